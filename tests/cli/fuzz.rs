//! Property tests over arbitrary bytes: no input may panic the readers, and
//! with `--skip-invalid` every row is either counted or skipped.

use diceml::io::Input;
use diceml::read::{ColumnSpec, Dialect, Progress, ReadOptions, Reader};
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
        any::<bool>(),
    )
        .prop_map(
            |(counts, no_header, skip_invalid, faces, column, by, delimiter, fast, keep_rolls)| {
                ReadOptions {
                    dialect: Dialect {
                        delimiter,
                        no_header,
                    },
                    counts,
                    column,
                    by,
                    faces,
                    labels: None,
                    label_set: None,
                    skip_invalid,
                    keep_rolls,
                    general_only: !fast,
                    ..ReadOptions::default()
                }
            },
        )
}

fn read(bytes: Vec<u8>, options: &ReadOptions) -> anyhow::Result<diceml::dataset::Dataset> {
    let mut reader = Reader::new(options);
    let input = Input::from_reader(Box::new(std::io::Cursor::new(bytes)), "fuzz");
    reader.read(input, &Progress::default())?;
    reader.finish(false)
}

/// Logs that are mostly what the fast path takes (lines of digits), with
/// now and then something it must hand back: a label, spaces, CR, a quote,
/// a comment, a blank line, a long number, a 0.
fn mostly_integer_log() -> impl Strategy<Value = Vec<u8>> {
    // Each log keeps to faces of at most `digits` digits (a d6, a d20, a
    // d100 log), so that every tier of the scanner sees whole blocks.
    (1..=3usize).prop_flat_map(|digits| {
        let line = prop_oneof![
            20 => "[1-6]".prop_map(String::from),
            6 => proptest::string::string_regex(&format!("[0-9]{{1,{digits}}}"))
                .expect("a valid regex"),
            1 => "[1-9][0-9]{3,6}".prop_map(String::from),
            1 => Just(String::new()),
            3 => odd_line(),
        ];
        log_of(line, "face")
    })
}

/// A line the fast path must hand back, or take exactly as the general
/// reader does: comments (with delimiters and digits in them), quotes that
/// open, close or span lines, CRs in every position, blank and `,,` rows,
/// faces not written plainly, labels.
fn odd_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" 3"),
        Just("4\r"),
        Just("\"5\""),
        Just("# note"),
        Just("x"),
        Just("00000012"),
        Just("7,"),
        Just("#3"),
        Just("#1,2"),
        Just("#,5"),
        Just("# 1,2,3"),
        Just(",,"),
        Just(","),
        Just("\""),
        Just("\"3"),
        Just("3\""),
        Just("\"1\n2\""),
        Just("\r"),
        Just("3\r\r"),
        Just("\r3"),
        Just("3\r4"),
        Just("07"),
        Just("00"),
        Just("+3"),
        Just("3.0"),
        Just("  "),
        Just("\"\""),
        Just("999999"),
        Just("nat 20"),
    ]
    .prop_map(String::from)
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

/// Multi-column logs that are mostly what the fast path takes, with now and
/// then a quote, a CR, a ragged row, a bad face. The face is in column
/// `face` (0-based) of three, or of two when `face` is 0; lines are long
/// enough now and then to cross the scanner's 64-byte blocks.
fn mostly_clean_table(face: usize) -> impl Strategy<Value = Vec<u8>> {
    let place = move |cells: [String; 3]| {
        let [t, f, n] = cells;
        match face {
            0 => format!("{f},{t}"),
            1 => format!("{t},{f},{n}"),
            _ => format!("{t},{n},{f}"),
        }
    };
    let row = prop_oneof![
        20 => ("[0-9]{1,4}", "[1-6]", "[a-z]{0,3}").prop_map(move |(t, f, n)| place([t, f, n])),
        4 => ("[0-9]{1,4}", "[0-9]{1,3}").prop_map(move |(t, f)| place([t, f, "x".into()])),
        2 => ("[a-z]{40,70}", "[1-6]").prop_map(move |(t, f)| place([t, f, "y".into()])),
        2 => ("[0-9]{1,4}", "[1-6]").prop_map(move |(t, f)| place([t, f, "w".into()]) + "\r"),
        1 => ("[1-6]", prop_oneof![Just("\r"), Just("\""), Just("\0"), Just(" ")])
            .prop_map(move |(f, odd)| place([format!("1{odd}"), f, "z".into()])),
        1 => prop_oneof![
            Just("1,\"2\",a"), Just("1,3,a\r"), Just("1,4\r"), Just("1,4"), Just("1, 5,a"),
            Just("1,x,a"), Just(""), Just("# c"), Just("1,00000006,a"), Just("1,2,a,b"),
            Just("\r"), Just("1,,"), Just(","),
            // A field too many or too few, every field a face.
            Just("1,2,3,4"), Just("1,2,3,4,5"), Just("3,4"),
        ]
        .prop_map(String::from),
        // Comments shaped like rows, empty rows, quotes over lines, CRs
        // inside a line, faces not written plainly, a far face.
        2 => prop_oneof![
            Just("#1,5,a"), Just("#,5"), Just("#1,5"), Just("# 2,3,4"), Just(",,"),
            Just("\"1,2,a"), Just("1,\"2\n3\",a"), Just("1,2,\"a\nb\""), Just("1\r,2,a"),
            Just("1,2\r,a"), Just("1,07,a"), Just("1,06"), Just("07,1"), Just("1,+3,a"),
            Just("1,999999,a"), Just("999999,1"), Just("1,999999"), Just("\""),
        ]
        .prop_map(String::from),
    ];
    let header = match face {
        0 => "face,ts",
        1 => "ts,face,note",
        _ => "ts,note,face",
    };
    log_of(row, header)
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

    /// The fast path changes no answer: same dataset, or the same error;
    /// with the rolls kept in order (the ordered scanner), the same rolls.
    #[test]
    fn fast_and_general_paths_agree(
        bytes in mostly_integer_log(),
        faces in prop_oneof![Just(None), Just(Some(6u64)), Just(Some(500u64))],
        skip_invalid in any::<bool>(),
        column in prop_oneof![Just(None), Just(Some(ColumnSpec::Index(1)))],
        keep_rolls in any::<bool>(),
    ) {
        let general = ReadOptions { faces, skip_invalid, column, keep_rolls, general_only: true, ..ReadOptions::default() };
        let fast = ReadOptions { general_only: false, ..general.clone() };
        agree(bytes, &general, &fast)?;
    }


    /// Any bytes under any options: a dataset or an error, never a panic;
    /// and a dataset's counts add up to its N in every group.
    #[test]
    fn readers_never_panic(bytes in log_bytes(), options in options()) {
        if let Ok(data) = read(bytes, &options) {
            for g in &data.groups {
                prop_assert_eq!(g.counts.iter().sum::<u64>(), g.n);
                // A group stores its counts up to its own last rolled face.
                prop_assert!(g.counts.len() <= data.faces.len());
                prop_assert_eq!(g.over(data.faces.len()).counts.len(), data.faces.len());
                // Kept rolls are exactly the counted rolls, in some order.
                if let Some(rolls) = &g.rolls {
                    prop_assert!(options.keep_rolls);
                    let mut tally = vec![0u64; data.faces.len()];
                    for &x in rolls {
                        tally[x as usize] += 1;
                    }
                    prop_assert_eq!(&tally[..g.counts.len()], &g.counts[..]);
                    prop_assert!(tally[g.counts.len()..].iter().all(|&c| c == 0));
                }
            }
        }
    }

    /// A log of integer lines: every line is counted or skipped, none lost.
    #[test]
    fn skipped_plus_counted_is_every_row(lines in proptest::collection::vec("[0-9x-]{0,3}", 1..60)) {
        let text = lines.join("\n") + "\n";
        let options = ReadOptions {
            dialect: Dialect { no_header: true, ..Dialect::default() },
            skip_invalid: true,
            ..ReadOptions::default()
        };
        let rows = lines.iter().filter(|l| !l.is_empty()).count() as u64;
        match read(text.into_bytes(), &options) {
            Ok(data) => prop_assert_eq!(data.groups[0].n + data.skipped.rows, rows),
            Err(e) => prop_assert!(e.to_string().contains("no rolls"), "{}", e),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The multi-column fast path changes no answer either, with the face
    /// column chosen by index or found by its name, and the rolls kept in
    /// order or not.
    #[test]
    fn fast_and_general_paths_agree_on_tables(
        (face, bytes) in (0..3usize).prop_flat_map(|face| (Just(face), mostly_clean_table(face))),
        faces in prop_oneof![Just(None), Just(Some(6u64))],
        skip_invalid in any::<bool>(),
        by_name in any::<bool>(),
        keep_rolls in any::<bool>(),
    ) {
        let column = if by_name { None } else { Some(ColumnSpec::Index(face + 1)) };
        let general = ReadOptions {
            faces,
            skip_invalid,
            column,
            keep_rolls,
            general_only: true,
            ..ReadOptions::default()
        };
        let fast = ReadOptions { general_only: false, ..general.clone() };
        agree(bytes, &general, &fast)?;
    }
}

/// Reads the file at `path` the way `diceml fit FILE` does, through the
/// fast path or not.
fn read_file(
    path: &std::path::Path,
    options: &ReadOptions,
) -> anyhow::Result<diceml::dataset::Dataset> {
    let mut reader = Reader::new(options);
    let file = std::fs::File::open(path)?;
    let input = Input {
        file: Some(file.try_clone()?),
        ..Input::from_reader(Box::new(file), "big.csv")
    };
    reader.read(input, &Progress::default())?;
    reader.finish(false)
}

/// Files over 8 MiB are split at line boundaries and scanned on all cores:
/// the pieces must join into exactly the general path's answer, whatever
/// lines sit at the cuts, with or without a last newline, and a line the
/// fast path refuses, early or late in the file, must be reported with its
/// true line number.
#[test]
fn large_files_read_on_all_cores_agree_with_the_general_path() {
    let dir = tempfile::tempdir().unwrap();
    // A seeded mix: d20 faces with some blank lines, CRLF ends, a run of
    // 3-digit faces and, for the multi-column file, long rows that cross
    // the scanner's 64-byte blocks.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    let (mut one, mut multi) = (String::from("face\n"), String::from("ts,who,face\n"));
    let (rows, mut blank) = (4_000_000u32, 0u64);
    for i in 0..rows {
        let r = next();
        let face = 1 + r % 20;
        let line = match r >> 24 {
            0 => {
                blank += 1;
                String::new()
            }
            1 => format!("{face}\r"),
            2 if i > rows / 2 => format!("{}", 100 + face),
            _ => face.to_string(),
        };
        one.push_str(&line);
        one.push('\n');
        let who = if r >> 20 & 7 == 0 {
            "a-much-longer-player-name-that-crosses-blocks"
        } else {
            "bo"
        };
        multi.push_str(&format!("{i},{who},{face}\n"));
    }
    let general = ReadOptions {
        general_only: true,
        ..ReadOptions::default()
    };
    let fast = ReadOptions {
        general_only: false,
        ..ReadOptions::default()
    };
    let by_column = |fast: bool| ReadOptions {
        column: Some(ColumnSpec::Name("face".into())),
        general_only: !fast,
        ..ReadOptions::default()
    };
    for (name, text, general, fast, n) in [
        ("one.csv", &one, &general, &fast, u64::from(rows) - blank),
        (
            "multi.csv",
            &multi,
            &by_column(false),
            &by_column(true),
            u64::from(rows),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        assert!(text.len() > 9 << 20, "{name} is {} bytes", text.len());
        let (a, b) = (
            read_file(&path, general).unwrap(),
            read_file(&path, fast).unwrap(),
        );
        assert_eq!(a, b, "{name}");
        assert_eq!(b.groups[0].n, n, "{name}");
        // Without its last newline: the general path reads the last line.
        std::fs::write(&path, text.trim_end_matches('\n')).unwrap();
        let (a, b) = (
            read_file(&path, general).unwrap(),
            read_file(&path, fast).unwrap(),
        );
        assert_eq!(a, b, "{name}, no last newline");
        // A label early and one late in the file (in the first piece and in
        // the last): the same error, on the same line.
        for at in [text.len() / 4, text.len() - 1000] {
            let mut bad = text.clone();
            let cut = bad[at..].find('\n').unwrap() + at + 1;
            bad.insert_str(cut, "x\n");
            std::fs::write(&path, &bad).unwrap();
            let line = bad[..cut].matches('\n').count() + 1;
            let (a, b) = (read_file(&path, general), read_file(&path, fast));
            let (a, b) = (a.unwrap_err().to_string(), b.unwrap_err().to_string());
            assert_eq!(a, b, "{name}");
            assert!(a.contains(&format!("big.csv:{line}:")), "{name}: {a}");
        }
    }
}
