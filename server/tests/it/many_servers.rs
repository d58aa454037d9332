//! Several Foxgate servers in one process (as in these tests, or an embedding program):
//! building one never disturbs another that is answering pages.

use crate::harness::{Backend, TestServer};

/// Building a router lists the console's routes by rendering the app with every resource
/// load suppressed through a flag shared by the whole process (leptos#4773). Were it listed
/// on every build, a page whose data started loading meanwhile on another server would
/// wait forever; it is listed once per process, so pages keep answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_answer_while_other_servers_start() {
    let s = TestServer::start(Backend::Sqlite).await;
    let owner = s.signed_in_owner().await;
    let config = (*s.state.config).clone();
    let building = tokio::spawn(async move {
        for _ in 0..300 {
            let other = foxgate_server::assemble(config.clone()).unwrap();
            drop(other);
            tokio::task::yield_now().await;
        }
    });
    let mut answered = 0;
    while !building.is_finished() {
        for path in ["/", "/teams", "/login"] {
            let cookie = (path != "/login").then_some(owner.as_str());
            // A page that never answers fails here through the client's timeout.
            let page = s.get(path, cookie).await;
            assert_eq!(page.status(), 200, "{path}");
            answered += 1;
        }
    }
    building.await.unwrap();
    assert!(answered > 0);
}
