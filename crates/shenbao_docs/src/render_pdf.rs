//! The document model as PDF, with typst: the fixed template `form.typ` lays out the document
//! it receives as JSON in `sys.inputs.data` (user text is data, never markup), and typst-pdf
//! writes the PDF with the fonts embedded as subsets.

use typst::foundations::{Dict, Str, Value};
use typst_layout::PagedDocument;

use crate::DocError;
use crate::fonts::Fonts;
use crate::layout::Document;

/// `doc` as a PDF.
pub(crate) fn pdf(fonts: &Fonts, doc: &Document) -> Result<Vec<u8>, DocError> {
    let json = serde_json::to_string(doc).map_err(|e| DocError::Pdf(e.to_string()))?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), Value::Str(Str::from(json)));
    let paged: PagedDocument = fonts
        .engine()
        .compile_with_input(inputs)
        .output
        .map_err(|e| DocError::Pdf(e.to_string()))?;
    typst_pdf::pdf(&paged, &typst_pdf::PdfOptions::default())
        .map_err(|e| DocError::Pdf(format!("{e:?}")))
}
