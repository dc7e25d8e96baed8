#!/usr/bin/env python3
"""A determined FOI requester, written apart from prevent's suppression code.

It holds every answer it was given (the JSON of `prevent report --foi
--format json`), knows how the tables relate (each breakdown sums to its
total, adopted + not adopted = discussed, the timeliness counts repeat the
outcome counts, a part is never more than the whole (Channel cases by a
category within the referrals of it, the closed within the adopted), months add up to
quarters and years, the same cohort at another as-of), and is told, as the
issue's strongest requester is, which [c] are primary (from the store's
release register: the test's oracle). With its own linear programme, solved
by GLPK's C library through ctypes, it computes the least and most each
primary cell can be and reports every cell it narrows below 1..threshold-1
(or below what the pattern of [c] alone allows, when that is less),
every pair of answers whose shown counts differ by a small number for one
cohort, and every hidden group it can see sharing one category.

usage: foi_attacker.py STORE ANSWER.json...   (exit 0: nothing learnt; 1: findings)
"""
import glob
import json
import math
import os
import re
import ctypes
import ctypes.util
import sys
from datetime import date, timedelta


def months_between(first: date, last: date):
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04}-{m:02}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def read_register(store):
    """(from, to, as_of) -> (threshold, set of primary (table, key))."""
    out = {}
    for path in sorted(glob.glob(os.path.join(store, "releases", "*.yaml"))):
        period, table, primaries, fields = {}, None, set(), {}
        section = None
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line.startswith(" "):
                section = line.split(":")[0]
                if ": " in line:
                    fields[section] = line.split(": ", 1)[1]
                continue
            if section == "period":
                k, v = line.strip().split(": ")
                period[k] = v
            elif section == "cells":
                if line.startswith("    "):  # a cell: KEY: VALUE
                    k, v = line.strip().split(": ", 1)
                    k = k.strip('"')  # a key that reads as a number is quoted
                    if v.strip('"') == "[c] primary":
                        primaries.add((table, k))
                else:
                    table = line.strip().rstrip(":").strip('"')
        out[(period["from"], period["to"], fields["as_of"])] = (int(fields["threshold"]), primaries)
    return out


def flatten(answer):
    """{(table, key): value} of an answer's JSON, tables dotted."""
    cells = {}

    def walk(prefix, node):
        for k, v in node.items():
            if isinstance(v, dict):
                walk(f"{prefix}.{k}" if prefix else k, v)
            else:
                cells[(prefix, k)] = v

    for section in ("referrals", "outcomes", "channel_cases", "in_hand", "timeliness"):
        if section in answer:
            walk(section, answer[section])
    return cells


class Model:
    """The requester's linear programme, solved with GLPK's C library
    (libglpk, through ctypes): rows are sums of variables with bounds."""

    GLP_FR, GLP_LO, GLP_UP, GLP_DB, GLP_FX = 1, 2, 3, 4, 5
    GLP_MIN, GLP_MAX, GLP_OPT, GLP_UNBND = 1, 2, 5, 6

    def __init__(self):
        self.rows = []  # ({var: coef}, lo or None, hi or None)
        self.index = {}

    def var(self, name):
        return self.index.setdefault(name, len(self.index))

    def row(self, terms, sense, rhs):
        lo = rhs if sense in ("=", ">=") else None
        hi = rhs if sense in ("=", "<=") else None
        self.rows.append((dict(terms), lo, hi))
        return len(self.rows) - 1

    def load(self):
        glp = ctypes.CDLL(ctypes.util.find_library("glpk") or "libglpk.so.40")
        glp.glp_create_prob.restype = ctypes.c_void_p
        glp.glp_get_obj_val.restype = ctypes.c_double
        for f in ("glp_set_row_bnds", "glp_set_col_bnds"):
            getattr(glp, f).argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_double, ctypes.c_double]
        glp.glp_set_obj_coef.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_double]
        for f in ("glp_add_rows", "glp_add_cols", "glp_set_obj_dir"):
            getattr(glp, f).argtypes = [ctypes.c_void_p, ctypes.c_int]
        glp.glp_load_matrix.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        glp.glp_simplex.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        glp.glp_get_status.argtypes = [ctypes.c_void_p]
        glp.glp_get_obj_val.argtypes = [ctypes.c_void_p]
        glp.glp_std_basis.argtypes = [ctypes.c_void_p]
        glp.glp_term_out(0)
        self.glp, self.lp = glp, glp.glp_create_prob()
        glp.glp_add_cols(self.lp, len(self.index))
        for j in range(1, len(self.index) + 1):
            glp.glp_set_col_bnds(self.lp, j, self.GLP_LO, 0.0, 0.0)
        glp.glp_add_rows(self.lp, len(self.rows))
        ia, ja, ar = [0], [0], [0.0]
        for i, (terms, lo, hi) in enumerate(self.rows, start=1):
            self.bound(i - 1, lo, hi)
            for v, c in terms.items():
                ia.append(i), ja.append(v + 1), ar.append(float(c))
        n = len(ia) - 1
        glp.glp_load_matrix(self.lp, n, (ctypes.c_int * (n + 1))(*ia), (ctypes.c_int * (n + 1))(*ja),
                            (ctypes.c_double * (n + 1))(*ar))

    def bound(self, r, lo, hi):
        if lo is not None and hi is not None:
            kind = self.GLP_FX if lo == hi else self.GLP_DB
        elif lo is not None:
            kind = self.GLP_LO
        elif hi is not None:
            kind = self.GLP_UP
        else:
            kind = self.GLP_FR
        self.glp.glp_set_row_bnds(self.lp, r + 1, kind, float(lo or 0), float(hi or 0))

    def solve(self, objective, sense):
        g = self.glp
        for v, c in objective.items():
            g.glp_set_obj_coef(self.lp, v + 1, float(c))
        g.glp_set_obj_dir(self.lp, self.GLP_MAX if sense == "max" else self.GLP_MIN)
        if g.glp_simplex(self.lp, None) != 0:
            g.glp_std_basis(self.lp)
            g.glp_simplex(self.lp, None)
        status = g.glp_get_status(self.lp)
        value = g.glp_get_obj_val(self.lp)
        for v in objective:
            g.glp_set_obj_coef(self.lp, v + 1, 0.0)
        if status == self.GLP_OPT:
            return value
        if status == self.GLP_UNBND:
            return math.inf if sense == "max" else -math.inf
        raise SystemExit(f"attacker: the answers are not consistent (GLPK status {status})")


COHORT_SUMS = ["referrals.by_sector", "referrals.by_route", "referrals.by_age_band", "referrals.by_gender",
               "referrals.by_concern", "referrals.by_ethnicity", "referrals.by_mental_health",
               "referrals.by_neurodiversity", "referrals.by_consent"]
# Channel cases by a referral category: they sum to the adopted, and each
# is at most the referrals of that category.
ADOPTED_SUMS = [("channel_cases.by_concern", "referrals.by_concern"),
                ("channel_cases.by_age_band", "referrals.by_age_band"),
                ("channel_cases.by_gender", "referrals.by_gender"),
                ("channel_cases.by_sector", "referrals.by_sector")]


def main():
    store, files = sys.argv[1], sys.argv[2:]
    register = read_register(store)
    answers = []
    for path in files:
        a = json.load(open(path))
        answers.append(a)
    m = Model()

    # Where each published cell comes from: (kind, table, key) and months.
    def source(table, key):
        if table == "timeliness.referral_to_triage_days" and key == "count":
            return ("asof", "triaged")
        if table == "timeliness.triaged_within_target":
            return ("asof", "triaged" if key == "of" else "within")
        if table == "timeliness.referral_to_first_panel_days" and key == "count":
            return ("asof", "outcomes.discussed_at_panel")
        if table.startswith("timeliness"):
            return None  # medians
        if table == "referrals" and key == "total":
            return ("cohort", "total")
        if table.startswith("referrals"):
            return ("cohort", f"{table}.{key}")
        if table.startswith("in_hand"):
            return None if key == "at" else ("snap", f"{table}.{key}")
        return ("asof", f"{table}.{key}")

    def atom(kind, q, month, as_of, at):
        if kind == "cohort":
            return m.var(f"c {q} {month}")
        if kind == "asof":
            return m.var(f"a {q} {month} {as_of}")
        return m.var(f"s {q} {at}")

    facts = []  # (answer index, table, key, terms, value or None, threshold, primary)
    periods = []
    for i, a in enumerate(answers):
        f, t, as_of = a["period"]["from"], a["period"]["to"], a["as_of"]
        threshold, primaries = register[(f, t, as_of)]
        months = months_between(date.fromisoformat(f), date.fromisoformat(t))
        at = a["in_hand"]["at"]
        periods.append((f, t, as_of, months, at))
        for (table, key), v in flatten(a).items():
            src = source(table, key)
            if src is None:
                continue
            kind, q = src
            ms = months
            if table == "referrals.by_month":
                q, ms = "total", [key]
            terms = {atom(kind, q, mo, as_of, at): 1 for mo in (ms if kind != "snap" else [None])}
            shown = None if v == "[c]" else v
            facts.append((i, table, key, terms, shown, threshold, (table, key) in primaries))

    # Relations, for every month and as-of date seen.
    all_months = sorted({mo for p in periods for mo in p[3]})
    as_ofs = sorted({p[2] for p in periods})
    keys = {}
    for (_, table, key, *_rest) in facts:
        keys.setdefault(table, set()).add(key)
    for mo in all_months:
        total = m.var(f"c total {mo}")
        for table in COHORT_SUMS:
            if table not in keys:
                continue
            terms = {m.var(f"c {table}.{k} {mo}"): 1 for k in keys.get(table, ())}
            terms[total] = -1
            m.row(terms, "=", 0)
        for a in as_ofs:
            if mo > a[:7]:
                continue
            A = lambda q: m.var(f"a {q} {mo} {a}")
            C = lambda q: m.var(f"c {q} {mo}")
            m.row({A("outcomes.adopted"): 1, A("outcomes.not_adopted"): 1, A("outcomes.discussed_at_panel"): -1}, "=", 0)
            for table, cohort in ADOPTED_SUMS:
                if table not in keys:
                    continue
                terms = {A(f"{table}.{k}"): 1 for k in keys.get(table, ())}
                terms[A("outcomes.adopted")] = -1
                m.row(terms, "=", 0)
                for k in keys.get(table, ()):
                    m.row({A(f"{table}.{k}"): 1, C(f"{cohort}.{k}"): -1}, "<=", 0)
            m.row({A("outcomes.no_further_action"): 1, A("outcomes.signposted"): 1, A("outcomes.police_managed"): 1,
                   A("triaged"): -1}, "<=", 0)
            for q in ("triaged", "outcomes.discussed_at_panel", "outcomes.consent_declined",
                      "outcomes.consent_withdrawn"):
                m.row({A(q): 1, total: -1}, "<=", 0)
            m.row({A("within"): 1, A("triaged"): -1}, "<=", 0)
            # The closed Channel cases: at most the adopted, and by reason.
            m.row({A("channel_cases.closed"): 1, A("outcomes.adopted"): -1}, "<=", 0)
            if "channel_cases.closed_by_reason" in keys:
                terms = {A(f"channel_cases.closed_by_reason.{k}"): 1 for k in keys["channel_cases.closed_by_reason"]}
                terms[A("channel_cases.closed")] = -1
                m.row(terms, "=", 0)
            for k in keys.get("outcomes.signposted_to", ()):
                m.row({A(f"outcomes.signposted_to.{k}"): 1, total: -1}, "<=", 0)
    shown_rows = []
    for (i, table, key, terms, shown, threshold, primary) in facts:
        if shown is not None:
            shown_rows.append((m.row(terms, "=", shown), shown, i))
        elif primary:
            m.row(terms, ">=", 1)
            m.row(terms, "<=", threshold - 1)
    m.load()

    def with_shown(on, only=None):
        for r, v, i in shown_rows:
            if only is None or i == only:
                m.bound(r, v if on else 0, v if on else None)

    findings = []
    # What each primary cell must keep: 1..threshold-1, within what the
    # pattern of [c] alone allows (the shown numbers hidden): a hidden
    # total of three primary cells is at least 3 whatever is shown, and
    # that was never the shown numbers' doing (docs/disclosure.md).
    primaries = [x for x in facts if x[6]]
    with_shown(False)
    targets = [(max(1, math.ceil(m.solve(x[3], "min") - 1e-6)),
                min(x[5] - 1, math.floor(m.solve(x[3], "max") + 1e-6))) for x in primaries]
    with_shown(True)
    for (i, table, key, terms, shown, threshold, primary), (want_lo, want_hi) in zip(primaries, targets):
        lo = m.solve(terms, "min")
        hi = m.solve(terms, "max")
        if math.ceil(lo - 1e-6) > want_lo or math.floor(hi + 1e-6) < want_hi:
            findings.append(f"{files[i]}: {table}.{key} narrowed to {lo:g}..{hi:g} (not {want_lo}..{want_hi})")
    # A hidden group seen to share one category.
    for i in range(len(answers)):
        for table in COHORT_SUMS + [t for t, _ in ADOPTED_SUMS] + ["channel_cases.closed_by_reason"]:
            total = (("referrals", "total") if table.startswith("referrals") else
                     ("channel_cases", "closed") if table == "channel_cases.closed_by_reason" else
                     ("outcomes", "adopted"))
            tot = [x for x in facts if x[0] == i and (x[1], x[2]) == total]
            if not tot or not tot[0][6]:
                continue  # total shown, or hidden and maybe zero
            members = [x for x in facts if x[0] == i and x[1] == table]
            could = sum(1 for x in members if m.solve(x[3], "max") > 0.5)
            if could >= 2:
                continue
            # Not this answer's doing when the other answers alone show it
            # (a quarter inside a year of one category, published whole).
            with_shown(False, only=i)
            others = sum(1 for x in members if m.solve(x[3], "max") > 0.5)
            with_shown(True, only=i)
            if others >= 2:
                findings.append(f"{files[i]}: everyone in the hidden group of {table} shares one category")
    # The same cohort at two as-of dates: a small difference between shown counts.
    for i in range(len(answers)):
        for j in range(i + 1, len(answers)):
            pi, pj = periods[i], periods[j]
            if (pi[0], pi[1]) != (pj[0], pj[1]) or pi[2] == pj[2]:
                continue
            ci, cj = flatten(answers[i]), flatten(answers[j])
            threshold = register[(pi[0], pi[1], pi[2])][0]
            for cell, v in ci.items():
                src = source(*cell)
                if not src or src[0] != "asof":
                    continue
                w = cj.get(cell)
                if isinstance(v, int) and isinstance(w, int) and 1 <= abs(v - w) < threshold:
                    findings.append(f"{files[i]} / {files[j]}: {cell[0]}.{cell[1]} changed by {abs(v - w)}")
    for f in findings:
        print(f)
    print(f"attacker: {len(answers)} answers, {sum(1 for x in facts if x[6])} primary cells, "
          f"{len(findings)} narrowed", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
