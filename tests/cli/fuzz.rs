//! Property tests over arbitrary bytes: no input may panic the readers, and
//! with `--skip-invalid` every row is either counted or skipped.

use diceml::read::domain::Domain;
use diceml::read::{read_input, ColumnSpec, ReadOptions, Tally};
use proptest::prelude::*;

/// Bytes that exercise the dialect: digits, labels, delimiters, quotes,
/// line ends, comments, spaces, a BOM piece, NUL and invalid UTF-8.
fn log_bytes() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: Vec<u8> = b"0123456789,;\t\"\n\r# -+xHT\x00\xff\xef\xbb\xbf".to_vec();
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(alphabet), 0..400),
        proptest::collection::vec(any::<u8>(), 0..400),
    ]
}

fn options() -> impl Strategy<Value = ReadOptions> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(None), Just(Some(6u64))],
        prop_oneof![
            Just(None),
            Just(Some(ColumnSpec::Index(1))),
            Just(Some(ColumnSpec::Name("face".into())))
        ],
        prop_oneof![Just(None), Just(Some(ColumnSpec::Index(2)))],
        prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
    )
        .prop_map(
            |(counts, no_header, skip_invalid, faces, column, by, delimiter)| ReadOptions {
                counts,
                column,
                by,
                faces,
                labels: None,
                delimiter,
                no_header,
                skip_invalid,
            },
        )
}

fn read(bytes: Vec<u8>, options: &ReadOptions) -> anyhow::Result<diceml::read::Dataset> {
    let mut tally = Tally::new(
        Domain::new(options.faces, options.labels.as_deref()),
        options.skip_invalid,
    );
    read_input(
        Box::new(std::io::Cursor::new(bytes)),
        "fuzz",
        options,
        &mut tally,
    )?;
    tally.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Any bytes under any options: a dataset or an error, never a panic;
    /// and a dataset's counts add up to its N in every group.
    #[test]
    fn readers_never_panic(bytes in log_bytes(), options in options()) {
        if let Ok(data) = read(bytes, &options) {
            for g in &data.groups {
                prop_assert_eq!(g.counts.iter().sum::<u64>(), g.n);
                prop_assert_eq!(g.counts.len(), data.faces.len());
            }
        }
    }

    /// A log of integer lines: every line is counted or skipped, none lost.
    #[test]
    fn skipped_plus_counted_is_every_row(lines in proptest::collection::vec("[0-9x-]{0,3}", 1..60)) {
        let text = lines.join("\n") + "\n";
        let options = ReadOptions { no_header: true, skip_invalid: true, ..ReadOptions::default() };
        let rows = lines.iter().filter(|l| !l.is_empty()).count() as u64;
        match read(text.into_bytes(), &options) {
            Ok(data) => prop_assert_eq!(data.groups[0].n + data.skipped.rows, rows),
            Err(e) => prop_assert!(e.to_string().contains("no rolls"), "{}", e),
        }
    }
}
