#!/usr/bin/env python3
"""Derive factdesk's word-relation tables from Princeton WordNet 3.0.

Usage:
    apt-get install -y wordnet-base wordnet-sense-index
    python3 scripts/derive-lexicon.py [WORDNET_DIR] [--out OUT_DIR]

WORDNET_DIR defaults to /usr/share/wordnet and must hold data.{noun,verb,adj,adv}
(package wordnet-base) and index.sense (package wordnet-sense-index, which
carries the sense numbers and semantic-concordance tag counts of WordNet 3.0;
the cntlist.rev shipped in wordnet-base is older and disagrees on ~2,700 keys).
OUT_DIR defaults to src/text/lexicon next to this script's repository root.

Writes synonyms.tsv, antonyms.tsv and derived.tsv (newsroom.tsv and README.md are
hand-written and left alone). Python 3 standard library only; output is sorted
and byte-for-byte stable across runs.
"""

import argparse
import os
import re
import sys

# A lemma counts as a *frequent* sense of a synset when the synset is among
# the lemma's first MAX_RANK senses (WordNet orders senses by tag frequency)
# or the sense was tagged at least MIN_TAG_COUNT times in the semantic
# concordances.
MAX_RANK = 2
MIN_TAG_COUNT = 3

# Verbs too broad to say anything about sameness of meaning: as verbs they
# are removed from every synonym group and take no part in antonym expansion
# or derived.tsv. (Direct WordNet antonym pairs such as give/take are kept;
# phrasal lemmas such as "give up" or "go ahead" are unaffected.)
LIGHT_VERBS = frozenset("""
be have do make get take give go come put set run keep hold turn let bring
carry
""".split())

# Noun lexicographer files left out entirely: noun.animal (05) and
# noun.plant (20) are mostly taxonomy (genus names, Latin binomials) that
# newsroom claims never turn on, and they are an eighth of the output.
SKIP_NOUN_LEXFILES = frozenset((5, 20))

# Inflections the stemmer already folds; derived pairs that differ only by
# one of these are dropped (grow/growing, remove/removed).
INFLECTIONS = ("s", "es", "d", "ed", "ing")

POS_FILES = {"n": "data.noun", "v": "data.verb", "a": "data.adj", "r": "data.adv"}
SS_TYPE_POS = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}

# Nouns that a country is an instance of: "country, state, land" and
# "nation, land, country", plus their direct hyponyms ("European_country",
# "kingdom", "sultanate", "city_state", ...). Offsets are WordNet 3.0's.
COUNTRY_ROOTS = ("08544813", "08168978")


def clean_lemma(word):
    """data.* spelling -> table spelling (adjective markers off, spaces)."""
    word = re.sub(r"\((a|p|ip)\)$", "", word)
    return word.replace("_", " ")


def read_data(wn_dir):
    """Return {(pos, offset): synset} for every synset."""
    synsets = {}
    for pos, name in POS_FILES.items():
        with open(os.path.join(wn_dir, name), encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue  # licence header
                head = line.split(" | ", 1)[0].split()
                offset, lexfile, ss_type = head[0], int(head[1]), head[2]
                w_cnt = int(head[3], 16)
                words = [clean_lemma(head[4 + 2 * i]) for i in range(w_cnt)]
                i = 4 + 2 * w_cnt
                p_cnt = int(head[i])
                i += 1
                pointers = []
                for _ in range(p_cnt):
                    sym, t_off, t_pos, st = head[i:i + 4]
                    i += 4
                    t_pos = "a" if t_pos == "s" else t_pos
                    pointers.append((sym, t_off, t_pos, int(st[:2], 16), int(st[2:], 16)))
                synsets[(pos, offset)] = {
                    "pos": pos,
                    "offset": offset,
                    "lexfile": lexfile,
                    "satellite": ss_type == "s",
                    "words": words,
                    "pointers": pointers,
                }
    return synsets


def read_sense_index(wn_dir):
    """Return {(pos, offset, lemma_lower): (sense_number, tag_count)}."""
    path = os.path.join(wn_dir, "index.sense")
    if not os.path.exists(path):
        sys.exit("%s missing: apt-get install wordnet-sense-index" % path)
    senses = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            key, offset, number, count = line.split()
            lemma, rest = key.split("%", 1)
            pos = SS_TYPE_POS[rest[0]]
            senses[(pos, offset, lemma.replace("_", " "))] = (int(number), int(count))
    return senses


def acceptable_word(lemma):
    if len(lemma) < 2 or any(c.isdigit() for c in lemma):
        return False
    return True


def inflection_only(a, b):
    """True when a and b differ only by a regular inflection."""
    short, long_ = sorted((a, b), key=len)
    stems = {short, short[:-1]} if short.endswith("e") else {short}
    return any(long_ == st + suf for st in stems for suf in INFLECTIONS)


def country_synsets(synsets):
    roots = set(COUNTRY_ROOTS)
    for r in COUNTRY_ROOTS:
        for sym, t_off, t_pos, _, _ in synsets[("n", r)]["pointers"]:
            if sym == "~":
                roots.add(t_off)
    found = set()
    for (pos, off), s in synsets.items():
        if pos == "n" and any(p[0] == "@i" and p[1] in roots for p in s["pointers"]):
            found.add(off)
    return found


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("wordnet_dir", nargs="?", default="/usr/share/wordnet")
    ap.add_argument("--out", default=os.path.join(here, "..", "src", "text", "lexicon"))
    args = ap.parse_args()

    synsets = read_data(args.wordnet_dir)
    senses = read_sense_index(args.wordnet_dir)
    countries = country_synsets(synsets)

    def frequent(pos, offset, word):
        """Is this synset a frequent sense of word (as spelt in data.*)?"""
        got = senses.get((pos, offset, word.lower()))
        if got is None:
            return False
        number, count = got
        return number <= MAX_RANK or count >= MIN_TAG_COUNT

    def kept_lemmas(s):
        """Lowercased lemmas of synset s that pass every filter, sorted."""
        pos, off = s["pos"], s["offset"]
        is_country = pos == "n" and off in countries
        if pos == "n" and s["lexfile"] in SKIP_NOUN_LEXFILES:
            return []
        out = set()
        for w in s["words"]:
            low = w.lower()
            if not acceptable_word(low):
                continue
            if pos == "v" and low in LIGHT_VERBS:
                continue
            if is_country:
                out.add(low)  # country names: keep every spelling
                continue
            if w != low:
                continue  # proper noun (or acronym) outside the country groups
            if frequent(pos, off, w):
                out.add(low)
        return sorted(out)

    kept = {key: kept_lemmas(s) for key, s in synsets.items()}

    # A name shared by two countries ("Russia": Russia and the Soviet Union;
    # "Congo"; "TT") would bridge them: keep it only in the one country
    # synset that lists it first, and nowhere when that is not exactly one.
    owners = {}
    for off in sorted(countries):
        if len(kept[("n", off)]) < 2:
            continue  # a lone name makes no group and bridges nothing
        for w in kept[("n", off)]:
            owners.setdefault(w, []).append(off)
    for w, offs in owners.items():
        if len(offs) > 1:
            heads = [o for o in offs if synsets[("n", o)]["words"][0].lower() == w]
            keep = heads[0] if len(heads) == 1 else None
            for off in offs:
                if off != keep:
                    kept[("n", off)] = [x for x in kept[("n", off)] if x != w]

    # ---- synonyms.tsv --------------------------------------------------
    groups = set()
    for (pos, off), lemmas in kept.items():
        if len(lemmas) >= 2:
            groups.add((pos, "|".join(lemmas)))
    synonym_lines = ["%s\t%s" % g for g in sorted(groups)]

    # ---- antonyms.tsv --------------------------------------------------
    pairs = set()

    def add_pair(pos, a, b):
        if a != b:
            pairs.add((pos,) + tuple(sorted((a, b))))

    for (pos, off), s in synsets.items():
        for sym, t_off, t_pos, src, tgt in s["pointers"]:
            if sym != "!" or src == 0:
                continue
            a_word = s["words"][src - 1]
            t = synsets[(t_pos, t_off)]
            b_word = t["words"][tgt - 1]
            a, b = a_word.lower(), b_word.lower()
            if acceptable_word(a) and acceptable_word(b) and a_word == a and b_word == b:
                add_pair(pos, a, b)  # direct pointer, always kept
            if pos in ("v", "a"):
                # Expand each side with its synset-mates, frequent senses only.
                a_side = set(kept[(pos, off)])
                b_side = set(kept[(t_pos, t_off)])
                if frequent(pos, off, a_word) and a_word == a:
                    a_side.add(a)
                if frequent(t_pos, t_off, b_word) and b_word == b:
                    b_side.add(b)
                if a not in a_side or b not in b_side:
                    continue  # one end of the pointer is a rare sense
                a_side -= LIGHT_VERBS if pos == "v" else set()
                b_side -= LIGHT_VERBS if pos == "v" else set()
                for x in a_side:
                    for y in b_side:
                        if x not in b_side and y not in a_side:
                            add_pair(pos, x, y)
    antonym_lines = ["%s\t%s\t%s" % p for p in sorted(pairs)]

    # ---- derived.tsv ---------------------------------------------------
    # Derivationally related forms between nouns, verbs and adjectives,
    # frequent senses on both ends, skipping person nouns (noun.person,
    # lexicographer file 18: employ/employer is not employ/employment).
    derived = set()
    for (pos, off), s in synsets.items():
        if pos == "r":
            continue
        for sym, t_off, t_pos, src, tgt in s["pointers"]:
            if sym != "+" or src == 0 or t_pos == "r" or t_pos == pos:
                continue
            t = synsets[(t_pos, t_off)]
            if any(p == "n" and x["lexfile"] in SKIP_NOUN_LEXFILES | {18}
                   for p, x in ((pos, s), (t_pos, t))):
                continue
            a_word, b_word = s["words"][src - 1], t["words"][tgt - 1]
            a, b = a_word.lower(), b_word.lower()
            if a == b or a_word != a or b_word != b:
                continue
            if not (acceptable_word(a) and acceptable_word(b)):
                continue
            if (pos == "v" and a in LIGHT_VERBS) or (t_pos == "v" and b in LIGHT_VERBS):
                continue
            if inflection_only(a, b):
                continue
            if frequent(pos, off, a_word) and frequent(t_pos, t_off, b_word):
                derived.add(tuple(sorted((a, b))))
    derived_lines = ["%s\t%s" % p for p in sorted(derived)]

    # Compounds written closed, hyphenated or open ("spinoff", "spin-off",
    # "spin off"): two-word lemmas "a b" whose parts are letters only, 2+
    # characters each, where WordNet lists at least two of the three
    # spellings (so "often" is not "of ten").
    spellings = {}
    for s in synsets.values():
        for word in s["words"]:
            lemma = word.lower().replace(" ", "_")
            if not re.fullmatch(r"[a-z]+([-_][a-z]+)?", lemma):
                continue
            spellings.setdefault(lemma.replace("-", "").replace("_", ""), set()).add(lemma)
    compounds = set()
    for closed, forms in spellings.items():
        for form in forms:
            parts = re.split(r"[-_]", form)
            if len(parts) != 2 or min(len(x) for x in parts) < 2:
                continue
            variants = {closed, parts[0] + "-" + parts[1], parts[0] + "_" + parts[1]}
            if len(forms & variants) >= 2:
                compounds.add("%s\t%s" % (parts[0], parts[1]))
    compound_lines = sorted(compounds)

    os.makedirs(args.out, exist_ok=True)
    for name, lines in (("synonyms.tsv", synonym_lines),
                        ("antonyms.tsv", antonym_lines),
                        ("derived.tsv", derived_lines),
                        ("compounds.tsv", compound_lines)):
        path = os.path.join(args.out, name)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("".join(line + "\n" for line in lines))
        print("%-13s %6d lines %8d bytes" % (name, len(lines), os.path.getsize(path)))


if __name__ == "__main__":
    main()
