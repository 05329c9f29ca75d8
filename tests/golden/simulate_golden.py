#!/usr/bin/env python3
"""Independent reference for `diceml simulate --seed`: the same stream, re-derived in Python.

Regenerate from the repository root with:
    python3 tests/golden/simulate_golden.py
It writes tests/golden/simulate_*.csv, which tests/cli/simulate.rs compares byte for byte with
the binary's output. Nothing here calls diceml: the generator (SplitMix64 seed expansion into
PCG64 XSL-RR 128/64, as rand_pcg 0.9's Lcg128Xsl64::new), Lemire's bounded integers and Vose's
alias table are written out from their published descriptions (see src/sample.rs).
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


def uniform_below(rng, bound):
    m = rng.next_u64() * bound
    if (m & M64) < bound:
        t = ((1 << 64) - bound) % bound
        while (m & M64) < t:
            m = rng.next_u64() * bound
    return m >> 64


def alias_table(probs):
    k = len(probs)
    scaled = [p * float(k) for p in probs]
    alias = list(range(k))
    keep = [1.0] * k
    small = [i for i in range(k) if scaled[i] < 1.0]
    large = [i for i in range(k) if not scaled[i] < 1.0]
    while small and large:
        s, l = small.pop(), large[-1]
        keep[s] = scaled[s]
        alias[s] = l
        scaled[l] = (scaled[l] + scaled[s]) - 1.0
        if scaled[l] < 1.0:
            large.pop()
            small.append(l)
    thresholds = [M64 if w >= 1.0 else int(w * 18446744073709551616.0) for w in keep]
    return thresholds, alias


def alias_sample(rng, table):
    thresholds, alias = table
    c = uniform_below(rng, len(thresholds))
    return c if rng.next_u64() < thresholds[c] else alias[c]


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
    write("simulate_fair_d6_seed42.csv", [uniform_below(rng, 6) for _ in range(1000)])
    # diceml simulate --faces 20 --n 500 --seed 18446744073709551615
    rng = Pcg64(M64)
    write("simulate_fair_d20_seedmax.csv", [uniform_below(rng, 20) for _ in range(500)])
    # diceml simulate --probs 1,1,1,1,1,3 --n 1000 --seed 7
    rng, table = Pcg64(7), alias_table(normalise([1.0, 1.0, 1.0, 1.0, 1.0, 3.0]))
    write("simulate_loaded_d6_seed7.csv", [alias_sample(rng, table) for _ in range(1000)])
    # diceml simulate --probs 0.1,0,2.5,0.4,7 --n 1000 --seed 0
    rng, table = Pcg64(0), alias_table(normalise([0.1, 0.0, 2.5, 0.4, 7.0]))
    write("simulate_loaded_d5_seed0.csv", [alias_sample(rng, table) for _ in range(1000)])
