// TEMPORARY: replaced by the OpenAPI loader.
use super::Schema;
/// Why an OpenAPI document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OpenApiError {
    /// placeholder
    #[error("not a document")]
    NotADocument,
}
pub(super) fn read(_doc: &serde_json::Value) -> Result<Schema, OpenApiError> {
    Err(OpenApiError::NotADocument)
}
