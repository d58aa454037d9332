//! What the console shows about scripts acting as a person: a device request waiting for
//! the person's answer, and the grants they approved.

use serde::{Deserialize, Serialize};

/// A script's request, as the person about to answer it sees it (`/device`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DeviceRequestInfo {
    /// The code the person typed, normalised (`BCDF-GHJK`).
    pub user_code: String,
    /// The name the script gave itself (not verified: a script can claim any name).
    pub client_id: String,
    /// The address the script asked from.
    pub requested_ip: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    /// The org the grant would act in (the person's current one).
    pub org_name: String,
    /// The permissions the person can give it, checked by default: what the script asked
    /// for that the person holds (all the person holds when it asked for nothing specific).
    pub offered: Vec<String>,
    /// What the script asked for that the person does not hold (it cannot get those).
    pub not_held: Vec<String>,
}

/// A script's grant, as its person (or an admin) sees it on the Sessions page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ScriptGrantInfo {
    pub id: String,
    pub client_id: String,
    pub permissions: Vec<String>,
    pub requested_ip: Option<String>,
    pub created_at: i64,
    pub last_refreshed_at: Option<i64>,
    pub last_refreshed_ip: Option<String>,
    /// When it ends however often it refreshes.
    pub expires_at: i64,
}
