#!/usr/bin/env python3
"""Independent reference for `diceml simulate --seed`: the same stream, re-derived in Python.

Regenerate from the repository root with:
    python3 tests/golden/simulate_golden.py
It writes tests/golden/simulate_*.csv, which tests/cli/simulate.rs compares byte for byte with
the binary's output. Nothing here calls diceml: the generator (SplitMix64 seed expansion into
PCG64 XSL-RR 128/64, as rand_pcg 0.9's Lcg128Xsl64::new), Lemire's bounded integer for the
bound K**m decoded into m base-K digits, Vose's alias table and its bit-field coin rule are written
out from their descriptions in src/sample.rs and docs/cli.md, with Python's exact integers
(the Rust code uses 128-bit products instead of big integers and digit-by-digit decoding).
"""
import os

M64 = (1 << 64) - 1
M128 = (1 << 128) - 1
MULT = 0x2360ED051FC65DA44385DF649FCCF645  # PCG's default 128-bit LCG multiplier


def splitmix64(s):
    s = (s + 0x9E3779B97F4A7C15) & M64
    z = s
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return s, z ^ (z >> 31)


class Pcg64:
    def __init__(self, seed):
        s, w = seed, []
        for _ in range(4):
            s, z = splitmix64(s)
            w.append(z)
        state, stream = (w[0] << 64) | w[1], (w[2] << 64) | w[3]
        self.inc = ((stream << 1) | 1) & M128
        self.state = (state + self.inc) & M128
        self.step()

    def step(self):
        self.state = (self.state * MULT + self.inc) & M128

    def next_u64(self):
        self.step()
        st = self.state
        rot = st >> 122
        x = ((st >> 64) ^ st) & M64
        return ((x >> rot) | (x << (64 - rot))) & M64


def batch_size(k):
    """m: the largest count with k**m <= 2**48, at most 64 (at least 1)."""
    m = 1
    while m < 64 and k ** (m + 1) <= 1 << 48:
        m += 1
    return m


def uniform_batch(rng, k):
    """m faces from one word: Lemire's method for the bound B = k**m, then V's base-k digits."""
    m = batch_size(k)
    bound = k ** m
    threshold = (1 << 64) % bound
    while True:
        product = rng.next_u64() * bound
        if product & M64 >= threshold:
            break
    v = product >> 64
    digits = []
    for _ in range(m):
        v, d = divmod(v, k)
        digits.append(d)
    return digits[::-1]


def alias_table(probs):
    """Vose's alias table over K' = 2**j columns (j = ceil(log2 K)); columns K.. have weight 0."""
    k = len(probs)
    j = (k - 1).bit_length()
    columns = 1 << j
    scaled = [(probs[i] if i < k else 0.0) * float(columns) for i in range(columns)]
    alias = list(range(columns))
    keep = [1.0] * columns
    small = [i for i in range(columns) if scaled[i] < 1.0]
    large = [i for i in range(columns) if not scaled[i] < 1.0]
    while small and large:
        s, l = small.pop(), large[-1]
        keep[s] = scaled[s]
        alias[s] = l
        scaled[l] = (scaled[l] + scaled[s]) - 1.0
        if scaled[l] < 1.0:
            large.pop()
            small.append(l)
    thresholds = [M64 if w >= 1.0 else int(w * 18446744073709551616.0) for w in keep]
    return j, thresholds, alias


def layout(j):
    """(fields per word r, field bits B, coin bits c) for 2**j columns."""
    if j <= 4:
        r, b = 5, 12
    elif j <= 9:
        r, b = 4, 16
    elif j <= 14:
        r, b = 3, 21
    else:
        r, b = 2, 32
    return r, b, min(8, b - j)


def alias_batch(rng, table):
    """The r rolls of one word: fields of B bits from the top; in each, the low c bits are the
    coin and the j bits above them the column. Ties are settled after the word, in roll order,
    by one fresh word each."""
    j, thresholds, alias = table
    r, b, c = layout(j)
    word = rng.next_u64()
    faces, ties = [], []
    for i in range(r):
        field = (word >> (64 - b * (i + 1))) & ((1 << b) - 1)
        column = (field >> c) & ((1 << j) - 1)
        u = field & ((1 << c) - 1)
        top = thresholds[column] >> (64 - c)
        faces.append(column if u < top else alias[column])
        if u == top:
            ties.append((i, column))
    for i, column in ties:
        heads = (rng.next_u64() >> c) < (thresholds[column] & ((1 << (64 - c)) - 1))
        faces[i] = column if heads else alias[column]
    return faces


def rolls(n, batch):
    out = []
    while len(out) < n:
        out.extend(batch())
    return out[:n]


def normalise(weights):
    total = 0.0
    for w in weights:
        total += w
    return [w / total for w in weights]


def write(name, faces):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(path, "w", newline="\n") as f:
        f.write("face\n")
        f.writelines(f"{x + 1}\n" for x in faces)


if __name__ == "__main__":
    # diceml simulate --faces 6 --n 1000 --seed 42
    rng = Pcg64(42)
    write("simulate_fair_d6_seed42.csv", rolls(1000, lambda: uniform_batch(rng, 6)))
    # diceml simulate --faces 20 --n 500 --seed 18446744073709551615
    rng = Pcg64(M64)
    write("simulate_fair_d20_seedmax.csv", rolls(500, lambda: uniform_batch(rng, 20)))
    # diceml simulate --faces 1000000 --n 300 --seed 9 (two faces per word)
    rng = Pcg64(9)
    write("simulate_fair_d1000000_seed9.csv", rolls(300, lambda: uniform_batch(rng, 1000000)))
    # diceml simulate --probs 1,1,1,1,1,3 --n 1000 --seed 7 (5 rolls a word)
    rng, table = Pcg64(7), alias_table(normalise([1.0, 1.0, 1.0, 1.0, 1.0, 3.0]))
    write("simulate_loaded_d6_seed7.csv", rolls(1000, lambda: alias_batch(rng, table)))
    # diceml simulate --probs 0.1,0,2.5,0.4,7 --n 1000 --seed 0
    rng, table = Pcg64(0), alias_table(normalise([0.1, 0.0, 2.5, 0.4, 7.0]))
    write("simulate_loaded_d5_seed0.csv", rolls(1000, lambda: alias_batch(rng, table)))
    # diceml simulate --probs 1,2,...,300 --n 2000 --seed 5 (4 rolls a word, many ties)
    rng, table = Pcg64(5), alias_table(normalise([float(i) for i in range(1, 301)]))
    write("simulate_loaded_d300_seed5.csv", rolls(2000, lambda: alias_batch(rng, table)))
    # diceml simulate --probs 1,2,...,1000 --n 3000 --seed 6 (3 rolls a word, 8-bit coins)
    rng, table = Pcg64(6), alias_table(normalise([float(i) for i in range(1, 1001)]))
    write("simulate_loaded_d1000_seed6.csv", rolls(3000, lambda: alias_batch(rng, table)))
    # diceml simulate --probs 1,2,...,10000 --n 3000 --seed 10 (3 rolls a word, 7-bit coins)
    rng, table = Pcg64(10), alias_table(normalise([float(i) for i in range(1, 10001)]))
    write("simulate_loaded_d10000_seed10.csv", rolls(3000, lambda: alias_batch(rng, table)))
    # diceml simulate --probs 1,2,...,20000 --n 3000 --seed 11 (2 rolls a word)
    rng, table = Pcg64(11), alias_table(normalise([float(i) for i in range(1, 20001)]))
    write("simulate_loaded_d20000_seed11.csv", rolls(3000, lambda: alias_batch(rng, table)))
