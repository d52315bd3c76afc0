//! The fonts of PDF documents and the typst engine that uses them, loaded once.
//!
//! Debian's fonts-noto-cjk stand in for the official fonts: Noto Serif CJK for 宋体 (body),
//! Noto Sans CJK for 黑体 (titles); DejaVu Sans (fonts-dejavu-core) supplies ☐ and ☑, which
//! Noto CJK lacks. The PDF embeds subsets of them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::foundations::Bytes;
use typst::text::Font;
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};

use crate::DocError;

/// The template every PDF document is rendered with: the engine is built around it.
const TEMPLATE: &str = include_str!("form.typ");

/// The environment variable naming a directory that holds the font files (same file names).
pub const FONT_DIR_ENV: &str = "SHENBAO_FONT_DIR";

const NOTO_DIR: &str = "/usr/share/fonts/opentype/noto";
const DEJAVU_DIR: &str = "/usr/share/fonts/truetype/dejavu";
const NOTO_PACKAGE: &str = "fonts-noto-cjk";
const DEJAVU_PACKAGE: &str = "fonts-dejavu-core";

/// The font files PDF documents use, with the Debian package each comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFiles {
    /// Each file's path and the Debian package that installs it.
    pub files: Vec<(PathBuf, &'static str)>,
}

impl FontFiles {
    /// The files where Debian installs them (fonts-noto-cjk, fonts-dejavu-core).
    pub fn debian() -> Self {
        Self::at(Path::new(NOTO_DIR), Path::new(DEJAVU_DIR))
    }

    /// The same file names, all in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self::at(dir, dir)
    }

    /// The files in `$SHENBAO_FONT_DIR` when it is set, Debian's otherwise.
    pub fn from_env() -> Self {
        match std::env::var_os(FONT_DIR_ENV) {
            Some(dir) if !dir.is_empty() => Self::in_dir(Path::new(&dir)),
            _ => Self::debian(),
        }
    }

    fn at(noto: &Path, dejavu: &Path) -> Self {
        let noto_file = |name: &str| (noto.join(name), NOTO_PACKAGE);
        Self {
            files: vec![
                noto_file("NotoSerifCJK-Regular.ttc"),
                noto_file("NotoSerifCJK-Bold.ttc"),
                noto_file("NotoSansCJK-Regular.ttc"),
                noto_file("NotoSansCJK-Bold.ttc"),
                (dejavu.join("DejaVuSans.ttf"), DEJAVU_PACKAGE),
            ],
        }
    }
}

/// Loaded fonts and the typst engine with the document template: load once, share freely
/// (cloning is cheap), render any number of PDFs, also from several threads.
#[derive(Clone)]
pub struct Fonts {
    engine: Arc<TypstEngine<TypstTemplateMainFile>>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts").finish_non_exhaustive()
    }
}

impl Fonts {
    /// The fonts of [`FontFiles::from_env`].
    pub fn load() -> Result<Self, DocError> {
        Self::from_files(&FontFiles::from_env())
    }

    /// The fonts of [`Fonts::load`], loaded once per process on first use and shared by every
    /// later call (servers render PDFs on demand). A failure is remembered too: fonts do not
    /// appear while the process runs, and the message says what to install.
    pub fn shared() -> Result<Self, DocError> {
        static SHARED: std::sync::OnceLock<Result<Fonts, String>> = std::sync::OnceLock::new();
        SHARED
            .get_or_init(|| Fonts::load().map_err(|e| e.to_string()))
            .clone()
            .map_err(DocError::FontsMissing)
    }

    /// Loads `files`; fails naming the first missing or unreadable file and its package.
    pub fn from_files(files: &FontFiles) -> Result<Self, DocError> {
        let mut data = Vec::with_capacity(files.files.len());
        for (path, package) in &files.files {
            let bytes = std::fs::read(path).map_err(|e| DocError::Font {
                path: path.clone(),
                package,
                message: e.to_string(),
            })?;
            let faces: Vec<Font> = Font::iter(Bytes::new(bytes)).collect();
            if faces.is_empty() {
                return Err(DocError::Font {
                    path: path.clone(),
                    package,
                    message: "not a font file".to_string(),
                });
            }
            data.extend(faces);
        }
        let engine = TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts(data)
            .build();
        Ok(Self {
            engine: Arc::new(engine),
        })
    }

    /// The typst engine with the template and these fonts.
    pub(crate) fn engine(&self) -> &TypstEngine<TypstTemplateMainFile> {
        &self.engine
    }
}
