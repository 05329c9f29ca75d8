# R reference for diceml's chi-square goodness-of-fit golden values.
#
# Not meant to be run by hand: tests/golden/make_golden.py calls it as
#   Rscript tests/golden/chisq.R <input.tsv> <output.tsv>
# and merges its output into tests/golden/stats.json.
#
# Input: one case per line, tab-separated:
#   name <TAB> counts (comma-separated integers) <TAB> null (comma-separated C99 hex floats)
# Hex floats ("0x1.5555555555555p-3") are used in both directions so that no
# decimal parsing/printing rounding can creep in between Python and R.
#
# Output: first line "#R<TAB><R.version.string>", then one line per case:
#   name <TAB> statistic <TAB> p.value <TAB> expected <TAB> residuals <TAB> stdres
# (all numbers as hex floats via sprintf("%a"), vectors comma-separated).
#
# Each case is computed with
#   chisq.test(x, p = null, rescale.p = TRUE)
# (warnings such as "Chi-squared approximation may be incorrect" are suppressed;
# they do not change the numbers).

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript chisq.R <input.tsv> <output.tsv>")

hexvec <- function(v) paste(sprintf("%a", as.numeric(v)), collapse = ",")

lines <- readLines(args[1])
out <- c(paste0("#R\t", R.version.string))
for (ln in lines) {
  if (nchar(ln) == 0) next
  f <- strsplit(ln, "\t", fixed = TRUE)[[1]]
  name <- f[1]
  x <- as.numeric(strsplit(f[2], ",", fixed = TRUE)[[1]])
  p <- as.numeric(strsplit(f[3], ",", fixed = TRUE)[[1]])
  if (any(is.na(x)) || any(is.na(p))) stop(paste("could not parse case", name))
  r <- suppressWarnings(chisq.test(x, p = p, rescale.p = TRUE))
  out <- c(out, paste(name,
                      sprintf("%a", unname(r$statistic)),
                      sprintf("%a", r$p.value),
                      hexvec(r$expected),
                      hexvec(r$residuals),
                      hexvec(r$stdres),
                      sep = "\t"))
}
writeLines(out, args[2])
