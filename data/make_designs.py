#!/usr/bin/env python3
"""Makes the example designs of `diceml fit --design` and the weights of the
tilted sample log, from the solids' geometry.

    data/d6_normals.csv    a d6's outward face normals (x, y, z): faces 1/6 on
                           +z/-z, 2/5 on +x/-x, 3/4 on +y/-y (opposite faces
                           sum to 7)
    data/d20_normals.csv   a d20's unit face normals: the icosahedron's faces
                           point at the vertices of its dual dodecahedron,
                           (±1, ±1, ±1), (0, ±1/φ, ±φ), (±1/φ, ±φ, 0),
                           (±φ, 0, ±1/φ), over √3; faces k and 21 − k are
                           opposite (n_{21−k} = −n_k)

It then prints the `diceml simulate` command of data/tilted_d6.csv: a d6 whose
logits are a = Xβ with the d6 design and β = (x, y, z) = (0.05, 0, 0.15), so
q_k ∝ exp(n_k · β). Numbers are written with repr (17 significant digits), so
the normals of opposite faces are exact negatives and the CSVs round-trip.

Run from anywhere: python3 data/make_designs.py
"""
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
PHI = (1 + math.sqrt(5)) / 2
BETA = (0.05, 0.0, 0.15)


def write(name, faces):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("face,x,y,z\n")
        for face, n in faces:
            f.write(f"{face},{repr(n[0])},{repr(n[1])},{repr(n[2])}\n")


def d6():
    up = {1: (0.0, 0.0, 1.0), 2: (1.0, 0.0, 0.0), 3: (0.0, 1.0, 0.0)}
    faces = dict(up)
    for k, n in up.items():
        faces[7 - k] = tuple(-v + 0.0 for v in n)
    return sorted(faces.items())


def d20():
    raw = [(a, b, c) for a in (1, -1) for b in (1, -1) for c in (1, -1)]
    for s in (1, -1):
        for t in (1, -1):
            raw.append((0.0, s / PHI, t * PHI))
            raw.append((s / PHI, t * PHI, 0.0))
            raw.append((t * PHI, 0.0, s / PHI))
    unit = [tuple(v / math.sqrt(3) for v in n) for n in raw]
    assert len(unit) == 20
    for n in unit:
        assert abs(sum(v * v for v in n) - 1) < 1e-15
    # One of each antipodal pair becomes faces 1..10, in a fixed order (the
    # one whose first non-zero coordinate is positive, sorted by z, y, x
    # descending); its opposite is 21 - k.
    firsts = [n for n in unit if next(v for v in n if v != 0) > 0]
    firsts.sort(key=lambda n: (-n[2], -n[1], -n[0]))
    assert len(firsts) == 10
    faces = []
    for k, n in enumerate(firsts, start=1):
        faces.append((k, n))
        faces.append((21 - k, tuple(-v + 0.0 for v in n)))
    # The normals of a regular icosahedron's adjacent faces meet at
    # arccos(√5/3): check every face has exactly three such neighbours.
    for _, n in faces:
        near = [m for _, m in faces if abs(sum(a * b for a, b in zip(n, m)) - math.sqrt(5) / 3) < 1e-12]
        assert len(near) == 3, near
    return sorted(faces)


def main():
    write("d6_normals.csv", d6())
    write("d20_normals.csv", d20())
    weights = [math.exp(sum(b * v for b, v in zip(BETA, n))) for _, n in d6()]
    probs = ",".join(repr(w) for w in weights)
    print(f"diceml simulate --probs {probs} --n 6000 --seed 14 -o data/tilted_d6.csv")


if __name__ == "__main__":
    main()
