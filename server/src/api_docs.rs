//! `/api-docs`: the browsable API reference. A registry package's viewer (npm
//! `swagger-ui-dist`, copied into the site by `cargo xtask build`) renders
//! `/api/v1/openapi.json`; every file comes from Foxgate, so the page works offline and under
//! the console's Content-Security-Policy, with no inline script.

use crate::state::AppState;
use axum::extract::State;
use axum::response::Html;

pub async fn page(State(st): State<AppState>) -> Html<String> {
    let files = &st.assets.api_docs;
    Html(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · Foxgate</title>
<link rel="stylesheet" href="/pkg/{stylesheet}">
</head>
<body>
<nav aria-label="Foxgate"><a href="/">← Foxgate console</a> · <a href="/api/v1/openapi.json">openapi.json</a></nav>
<main id="api-docs"><noscript><p>The reference needs JavaScript. The description it shows is
<a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p></noscript></main>
<script src="/pkg/{viewer}"></script>
<script src="/pkg/{start}"></script>
</body>
</html>
"#,
        stylesheet = files.viewer_stylesheet,
        viewer = files.viewer_script,
        start = files.start_script,
    ))
}
