//! A workbook import through the API.

use async_graphql::{Context, Object};

use crate::api::error::{GqlResult, IntoGql};
use crate::api::types::{ImportReport, app, caller};
use crate::error::Error;

#[derive(Default)]
pub struct ImportMutation;

#[Object(name = "ImportMutation")]
impl ImportMutation {
    /// Imports a workbook made from the template (`GET /templates/bondwatch.xlsx`):
    /// all or nothing, every problem reported; `dryRun` checks without writing.
    async fn import_workbook(
        &self,
        ctx: &Context<'_>,
        file: async_graphql::Upload,
        #[graphql(default_with = "Some(false)")] dry_run: Option<bool>,
    ) -> GqlResult<ImportReport> {
        use crate::spreadsheets::import::{ImportOptions, Source, import};
        use std::io::Read as _;
        let mut bytes = Vec::new();
        let upload = file.value(ctx).map_err(|e| Error::validation("file", format!("没有收到上传的文件:{e}")));
        upload
            .gql()?
            .into_read()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::validation("file", format!("无法读取上传的文件:{e}")))
            .gql()?;
        let options = ImportOptions { dry_run: dry_run.unwrap_or(false), ..ImportOptions::default() };
        import(app(ctx), caller(ctx)?, Source::Bytes(bytes), options).await.map(ImportReport).gql()
    }
}
