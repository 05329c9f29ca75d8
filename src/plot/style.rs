//! The look both charts share: the embedded font and its registration with
//! plotters, text sizes and the palette.

use std::sync::OnceLock;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

/// DejaVu Sans 2.37 (Bitstream Vera licence, see assets/DejaVuSans-LICENSE.txt).
pub(super) static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
/// The family name the embedded font is registered under (plotters' default).
const FAMILY: &str = "sans-serif";

/// Text sizes in pixels: titles, legends and axis names, tick labels, panel
/// captions.
pub(super) const TITLE_SIZE: f64 = 22.0;
pub(super) const TEXT_SIZE: f64 = 15.0;
pub(super) const LABEL_SIZE: f64 = 14.0;
pub(super) const CAPTION_SIZE: f64 = 16.0;

/// The palette: bars, highlighted bars, whiskers, the null, the grid, grey
/// text and the loss chart's two lines.
pub(super) const BAR: RGBColor = RGBColor(96, 146, 204);
pub(super) const BAR_EDGE: RGBColor = RGBColor(46, 96, 156);
pub(super) const HIGHLIGHT: RGBColor = RGBColor(242, 142, 43);
pub(super) const HIGHLIGHT_EDGE: RGBColor = RGBColor(178, 92, 10);
pub(super) const WHISKER: RGBColor = RGBColor(35, 35, 35);
pub(super) const NULL_LINE: RGBColor = RGBColor(200, 30, 45);
/// A physical model's fitted q (`fit --model`, `--design`).
pub(super) const MODEL_LINE: RGBColor = RGBColor(30, 140, 70);
pub(super) const GRID: RGBColor = RGBColor(225, 225, 225);
pub(super) const GREY_TEXT: RGBColor = RGBColor(70, 70, 70);
pub(super) const KL_LINE: RGBColor = RGBColor(46, 96, 176);
pub(super) const DIFF_LINE: RGBColor = RGBColor(222, 118, 20);

/// Registers the embedded font once per process.
pub(super) fn register_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(anyhow!(
            "the embedded font (DejaVu Sans) could not be loaded"
        ))
    }
}

/// A text style in the embedded font's family.
pub(super) fn text_style(size: f64, colour: &RGBColor) -> TextStyle<'static> {
    let mut style = TextStyle::from((FAMILY, size));
    style.color = colour.to_backend_color();
    style
}
