//! GraphiQL with every asset inside the binary: the debt office's network has no
//! internet, and the stock page loads its scripts from a CDN.

use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;

const PAGE: &str = r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>bondwatch · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style>
</head>
<body>
<div id="graphiql">正在加载 GraphiQL…</div>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  const query = '{\n  projects(first: 5) {\n    totalCount\n    nodes { code name status stage bondFunding disbursed spendRatePercent }\n  }\n}\n';
  ReactDOM.createRoot(document.getElementById('graphiql'))
    .render(React.createElement(GraphiQL, { fetcher, defaultQuery: query }));
</script>
</body>
</html>
"#;

macro_rules! asset {
    ($name:literal, $mime:literal) => {
        get(|| async {
            (
                [(header::CONTENT_TYPE, $mime), (header::CACHE_CONTROL, "public, max-age=86400")],
                include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/graphiql/", $name)).as_slice(),
            )
                .into_response()
        })
    };
}

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/graphiql", get(|| async { Html(PAGE) }))
        .route("/graphiql/graphiql.min.css", asset!("graphiql.min.css", "text/css; charset=utf-8"))
        .route("/graphiql/graphiql.min.js", asset!("graphiql.min.js", "text/javascript; charset=utf-8"))
        .route("/graphiql/react.production.min.js", asset!("react.production.min.js", "text/javascript; charset=utf-8"))
        .route(
            "/graphiql/react-dom.production.min.js",
            asset!("react-dom.production.min.js", "text/javascript; charset=utf-8"),
        )
}
