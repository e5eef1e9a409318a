//! A report as PDF, typeset by Typst embedded as a library (`assets/reports/report.typ`
//! draws the charts itself). Chinese needs a CJK font: the one configured
//! (`BONDWATCH_FONT`) or one of the usual Debian font files. Without one the report is
//! refused with the package to install — never a PDF of empty boxes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst::foundations::{Bytes, Dict, IntoValue};
use typst::text::Font;
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

use super::Document;
use crate::error::{Error, Result};

const TEMPLATE: &str = include_str!("../../assets/reports/report.typ");

/// The Debian package that brings a CJK font.
pub const FONT_PACKAGE: &str = "fonts-noto-cjk";

/// Font files looked for when none is configured, best first.
const FONT_FILES: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

/// A test character every report has: 报 (of 报告).
const PROBE: char = '报';

struct Typesetter {
    engine: TypstEngine<TypstTemplateMainFile>,
    /// The CJK families, Simplified Chinese first.
    families: Vec<String>,
}

fn no_font(why: String) -> Error {
    Error::Unavailable(format!(
        "{why}: reports need a font with Chinese characters. Install the Debian package {FONT_PACKAGE} \
         (apt-get install {FONT_PACKAGE}) or set BONDWATCH_FONT to a .ttf, .otf or .ttc file that has them."
    ))
}

fn load(configured: Option<&Path>) -> Result<Typesetter> {
    let path = match configured {
        Some(p) => p.to_path_buf(),
        None => FONT_FILES
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .ok_or_else(|| no_font(format!("none of {} exists", FONT_FILES.join(", "))))?,
    };
    let bytes =
        std::fs::read(&path).map_err(|e| no_font(format!("the font {} cannot be read ({e})", path.display())))?;
    let fonts: Vec<Font> = Font::iter(Bytes::new(bytes)).filter(|f| f.info().coverage.contains(PROBE as u32)).collect();
    if fonts.is_empty() {
        return Err(no_font(format!("{} has no Chinese characters", path.display())));
    }
    let mut families: Vec<String> = Vec::new();
    for f in &fonts {
        if !families.contains(&f.info().family) {
            families.push(f.info().family.clone());
        }
    }
    families.sort_by_key(|f| (!f.ends_with(" SC"), f.clone()));
    let engine = TypstEngine::builder().main_file(TEMPLATE).fonts(fonts).build();
    Ok(Typesetter { engine, families })
}

/// Typesetters by configured font: fonts are read once per process.
static TYPESETTERS: Mutex<Option<HashMap<Option<PathBuf>, Arc<Typesetter>>>> = Mutex::new(None);

fn typesetter(font: Option<&Path>) -> Result<Arc<Typesetter>> {
    let key = font.map(Path::to_path_buf);
    let mut cache = TYPESETTERS.lock().unwrap_or_else(|p| p.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(t) = cache.get(&key) {
        return Ok(t.clone());
    }
    let t = Arc::new(load(font)?);
    cache.insert(key, t.clone());
    Ok(t)
}

/// Checks that a CJK font can be loaded, before a long batch starts.
pub fn check_font(font: Option<&Path>) -> Result<Vec<String>> {
    Ok(typesetter(font)?.families.clone())
}

/// Typesets a report. CPU-bound: call it from a blocking task.
pub fn render(doc: &Document, font: Option<&Path>) -> Result<Vec<u8>> {
    let t = typesetter(font)?;
    let data = serde_json::to_string(doc).map_err(|e| Error::Internal(format!("cannot serialise the report: {e}")))?;
    let families = serde_json::to_string(&t.families).unwrap_or_else(|_| "[]".into());
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.into_value());
    inputs.insert("fonts".into(), families.into_value());
    let compiled: PagedDocument = t
        .engine
        .compile_with_input(inputs)
        .output
        .map_err(|e| Error::Internal(format!("the report cannot be typeset: {e:?}")))?;
    typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default())
        .map_err(|e| Error::Internal(format!("the report cannot be written as PDF: {e:?}")))
}
