//! The PNG backend: plotters' bitmap backend with its own glyph drawing
//! (in the embedded font), and the encoder that turns the pixels into a PNG
//! file.

use ab_glyph::{point, Font as _, FontRef, GlyphId, PxScale, ScaleFont as _};
use anyhow::{anyhow, Result};
use plotters::backend::{BitMapBackend, RGBPixel};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendTextStyle, DrawingErrorKind};

use super::chart::Chart;
use super::style::FONT;

/// Draws `chart` on a bitmap with the embedded font and encodes it as PNG;
/// `failed` turns a drawing or encoding error into the message to show.
pub(super) fn render<C: Chart>(
    chart: &C,
    failed: &dyn Fn(&dyn std::fmt::Display) -> anyhow::Error,
) -> Result<Vec<u8>> {
    let size = chart.size();
    let font = FontRef::try_from_slice(FONT)
        .map_err(|_| anyhow!("the embedded font (DejaVu Sans) could not be loaded"))?;
    let mut rgb = vec![0u8; size.0 as usize * size.1 as usize * 3];
    {
        let inner = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut rgb, size)
            .map_err(|e| failed(&e))?;
        let root = PngBackend { inner, font }.into_drawing_area();
        chart.draw(&root).map_err(|e| failed(&e))?;
        root.present().map_err(|e| failed(&e))?;
    }
    encode_png(&rgb, size).map_err(|e| failed(&e))
}

/// Encodes 8-bit RGB pixels as a PNG file.
fn encode_png(
    rgb: &[u8],
    (width, height): (u32, u32),
) -> std::result::Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // flate2's zlib-rs backend (chosen for decoding gzip logs) writes 16%
    // larger files than miniz_oxide did at the default level; `High` makes
    // them 6% smaller than that instead, for some 20 ms a chart.
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

/// The bitmap backend with its own text drawing.
///
/// plotters 0.3.7 draws `ab_glyph` text glyph by glyph at each glyph's ink
/// box, dropping the left side bearing, so letters sit unevenly ("inte rval");
/// this places every glyph at its pen position instead. Everything else is
/// the bitmap backend's. Text is laid out in the box plotters measures
/// (advances and kerning, height size/1.24), the line's middle between
/// ascender and descender at the box's middle, and rotated as asked.
pub(super) struct PngBackend<'a> {
    inner: BitMapBackend<'a, RGBPixel>,
    font: FontRef<'static>,
}

type PngError<'a> = DrawingErrorKind<<BitMapBackend<'a, RGBPixel> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for PngBackend<'a> {
    type ErrorType = <BitMapBackend<'a, RGBPixel> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> std::result::Result<(), PngError<'a>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> std::result::Result<(), PngError<'a>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: plotters_backend::BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> std::result::Result<(), PngError<'a>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let scale = PxScale::from(style.size() as f32);
        let font = self.font.as_scaled(scale);
        // Pen positions, as plotters measures the text.
        let mut pens = Vec::with_capacity(text.len());
        let mut pen = 0.0f32;
        let mut prev: Option<GlyphId> = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(prev) = prev {
                pen += font.kern(prev, id);
            }
            pens.push((id, pen));
            pen += font.h_advance(id);
            prev = Some(id);
        }
        let width = pen as i32;
        let height = (style.size() / 1.24) as i32;
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let baseline = height as f32 / 2.0 + (font.ascent() + font.descent()) / 2.0;
        let transform = style.transform();
        let mut result = Ok(());
        for (id, x) in pens {
            let glyph = id.with_scale_and_position(scale, point(x, baseline));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let (x0, y0) = (bounds.min.x as i32, bounds.min.y as i32);
            let inner = &mut self.inner;
            outline.draw(|gx, gy, coverage| {
                if result.is_err() || coverage <= 0.0 {
                    return;
                }
                let (tx, ty) = transform.transform(x0 + gx as i32 + dx, y0 + gy as i32 + dy);
                let pixel = BackendColor {
                    alpha: color.alpha * f64::from(coverage.min(1.0)),
                    rgb: color.rgb,
                };
                result = inner.draw_pixel((pos.0 + tx, pos.1 + ty), pixel);
            });
        }
        result
    }
}

#[cfg(test)]
pub(super) mod tests {
    /// Width and height from a PNG's IHDR chunk, after checking the
    /// signature.
    pub(in crate::plot) fn png_size(bytes: &[u8]) -> (u32, u32) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
        assert_eq!(&bytes[12..16], b"IHDR");
        let be = |at: usize| {
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        (be(16), be(20))
    }

    /// Decodes a PNG to 8-bit RGB.
    pub(in crate::plot) fn png_pixels(bytes: &[u8]) -> (Vec<u8>, u32, u32) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        buf.truncate(info.buffer_size());
        (buf, info.width, info.height)
    }

    #[test]
    fn encoded_pixels_decode_unchanged() {
        let rgb = [255, 0, 0, 0, 128, 255];
        let bytes = super::encode_png(&rgb, (2, 1)).unwrap();
        assert_eq!(png_size(&bytes), (2, 1));
        assert_eq!(png_pixels(&bytes), (rgb.to_vec(), 2, 1));
    }
}
