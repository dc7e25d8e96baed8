#!/usr/bin/env python3
"""Writes N synthetic referrals as an import CSV for `prevent import`.

Deterministic from the seed. People are built from invented syllables so no
name can be mistaken for a real one; postcode districts are in the
placeholder area ZZ.
"""
import random
import sys

SYLLABLES = ["zor", "van", "quil", "let", "mar", "ibex", "tun", "drell", "okk", "io",
             "fenn", "whis", "tle", "bram", "quix", "ulo", "vex", "ombr", "ith", "yal"]
SECTORS = ["education"] * 30 + ["police"] * 30 + ["local-authority"] * 10 + ["health"] * 10 + \
    ["community", "family-friends", "prisons", "probation", "other"] * 4
CONCERNS = ["islamist"] * 15 + ["extreme-right-wing"] * 20 + ["mixed-unclear-unstable"] * 35 + \
    ["left-wing-anarchist-single-issue", "conflicted", "high-ct-risk-no-ideology",
     "vulnerability-no-ideology", "other"] * 6
ROUTES = ["email", "massh-children", "massh-adults", "out-of-hours", "police", "other"]
GENDERS = ["male"] * 8 + ["female"] * 2 + ["other", "not-known"]


def name(rng):
    first = "".join(rng.sample(SYLLABLES, 2)).capitalize()
    last = "".join(rng.sample(SYLLABLES, 3)).capitalize()
    return f"{first} {last}"


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    year = int(sys.argv[2]) if len(sys.argv) > 2 else 2026
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(seed)
    out = sys.stdout
    out.write("received,route,sector,agency,referrer_role,name,date_of_birth,gender,"
              "postcode_district,concern_type,concern_summary\n")
    for i in range(n):
        received = f"{year}-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
        dob = f"{rng.randint(1950, year - 9)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.write(",".join([received, rng.choice(ROUTES), rng.choice(SECTORS), "Example Agency",
                            "Safeguarding Lead", name(rng), dob, rng.choice(GENDERS),
                            f"ZZ{rng.randint(1, 9)}", rng.choice(CONCERNS),
                            f"Synthetic referral {i} (fictional)"]) + "\n")


if __name__ == "__main__":
    main()
