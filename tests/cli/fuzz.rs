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
        any::<bool>(),
    )
        .prop_map(
            |(counts, no_header, skip_invalid, faces, column, by, delimiter, fast)| ReadOptions {
                counts,
                column,
                by,
                faces,
                labels: None,
                delimiter,
                no_header,
                skip_invalid,
                fast,
                ..ReadOptions::default()
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
        None,
        "fuzz",
        options,
        &mut tally,
    )?;
    tally.finish(false)
}

/// Logs that are mostly what the fast path takes (lines of digits), with
/// now and then something it must hand back: a label, spaces, CR, a quote,
/// a comment, a blank line, a long number, a 0.
fn mostly_integer_log() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        20 => "[1-6]".prop_map(String::from),
        6 => "[0-9]{1,3}".prop_map(String::from),
        1 => Just(String::new()),
        1 => prop_oneof![Just(" 3"), Just("4\r"), Just("\"5\""), Just("# note"), Just("x"), Just("00000012"), Just("7,")]
            .prop_map(String::from),
    ];
    log_of(line, "face")
}

/// A log of up to 300 `lines`, maybe after `header`, maybe ending in `\n`.
fn log_of(
    lines: impl Strategy<Value = String>,
    header: &'static str,
) -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        proptest::collection::vec(lines, 0..300),
        any::<bool>(),
    )
        .prop_map(move |(with_header, lines, newline)| {
            let mut text = if with_header {
                format!("{header}\n")
            } else {
                String::new()
            };
            text.push_str(&lines.join("\n"));
            if newline {
                text.push('\n');
            }
            text.into_bytes()
        })
}

/// Multi-column logs (`ts,face,note`) that are mostly what the fast path
/// takes, with now and then a quote, a CR, a ragged row, a bad face.
fn mostly_clean_table() -> impl Strategy<Value = Vec<u8>> {
    let row = prop_oneof![
        20 => ("[0-9]{1,4}", "[1-6]", "[a-z]{0,3}").prop_map(|(t, f, n)| format!("{t},{f},{n}")),
        4 => ("[0-9]{1,4}", "[0-9]{1,3}").prop_map(|(t, f)| format!("{t},{f},x")),
        1 => prop_oneof![
            Just("1,\"2\",a"), Just("1,3,a\r"), Just("1,4"), Just("1, 5,a"), Just("1,x,a"),
            Just(""), Just("# c"), Just("1,00000006,a"), Just("1,2,a,b"),
        ]
        .prop_map(String::from),
    ];
    log_of(row, "ts,face,note")
}

/// Reading `bytes` with `general` and with `fast` gives the same dataset,
/// or the same error.
fn agree(bytes: Vec<u8>, general: &ReadOptions, fast: &ReadOptions) -> Result<(), TestCaseError> {
    match (read(bytes.clone(), general), read(bytes, fast)) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
        (a, b) => prop_assert!(
            false,
            "general {:?} vs fast {:?}",
            a.map(|_| ()),
            b.map(|_| ())
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The fast path changes no answer: same dataset, or the same error.
    #[test]
    fn fast_and_general_paths_agree(
        bytes in mostly_integer_log(),
        faces in prop_oneof![Just(None), Just(Some(6u64)), Just(Some(500u64))],
        skip_invalid in any::<bool>(),
    ) {
        let general = ReadOptions { faces, skip_invalid, fast: false, ..ReadOptions::default() };
        let fast = ReadOptions { fast: true, ..general.clone() };
        agree(bytes, &general, &fast)?;
    }


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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The multi-column fast path changes no answer either.
    #[test]
    fn fast_and_general_paths_agree_on_tables(
        bytes in mostly_clean_table(),
        faces in prop_oneof![Just(None), Just(Some(6u64))],
        skip_invalid in any::<bool>(),
    ) {
        let general = ReadOptions {
            faces,
            skip_invalid,
            column: Some(ColumnSpec::Index(2)),
            fast: false,
            ..ReadOptions::default()
        };
        let fast = ReadOptions { fast: true, ..general.clone() };
        agree(bytes, &general, &fast)?;
    }
}
