//! One module per subcommand: each turns validated arguments into work by
//! calling the library's modules, and holds no math of its own.

pub mod completions;
pub mod count;
pub mod fit;
pub mod man;
pub mod simulate;
