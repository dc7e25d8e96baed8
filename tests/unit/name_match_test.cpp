// Name matching for `find` and the "possible match" notice (issue 17,
// docs/matching.md). The names are fictional.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "name_match.hpp"

using prevent::match_names;
using prevent::NameMatch;

namespace {

struct Pair {
  const char* a;
  const char* b;
  bool same;        // the truth: one person's name written two ways
  const char* why;  // what the pair is about
};

// True pairs (one person) and false pairs (two people), the hard ones
// included. The method misses some on purpose of its design (see the
// known misses of docs/matching.md); the bar below is what it must keep.
const Pair kPairs[] = {
    {"Tobias Wrenfeld", "Toby Wrenfield", true, "short form and a dropped letter"},
    {"Tobias Wrenfeld", "wrenfeld, tobias", true, "surname first, case"},
    {"Tobias Wrenfeld", "TOBIAS  WRENFELD", true, "case and space"},
    {"William Ashcombe", "Bill Ashcombe", true, "short form"},
    {"Katherine Morrow", "Kate Morrow", true, "short form"},
    {"Catherine Pellow", "Kathryn Pellow", true, "spelling variant"},
    {"Jon Smyth", "John Smith", true, "variants of both"},
    {"Sarah O'Neill", "Sara ONeill", true, "apostrophe and variant"},
    {"Zo\xC3\xAB Brannagh", "Zoe Brannagh", true, "accent"},
    {"Mohammed Rashid", "Muhammad Rashid", true, "transliteration"},
    {"Stephen Okafor", "Steven Okafor", true, "spelling variant"},
    {"Tobais Wrenfeld", "Tobias Wrenfeld", true, "transposed letters"},
    {"Elizabeth Harrowgate", "Liz Harrowgate", true, "short form"},
    {"Robert Quennell", "Bob Quennell", true, "short form"},
    {"Thomas Fairweather", "Tom Fairwether", true, "short form and a dropped letter"},
    {"Margaret Ellsworth-Pike", "Maggie Ellsworth Pike", true, "hyphen and short form"},
    {"Daniel Thompson", "Danny Thomson", true, "short form and a dropped letter"},
    {"Alexander Brightwater", "Alex Brightwater", true, "short form"},
    {"Michael McAllister", "Mick MacAllister", true, "short form, Mc/Mac"},
    {"Jennifer Castleford", "Jenifer Castleford", true, "dropped letter"},
    {"Christopher Dunmore", "Chris Dunmoore", true, "short form and a doubled letter"},
    {"Tobias James Wrenfeld", "Toby Wrenfeld", true, "middle name left out"},
    {"Rebecca Whitlow", "Becky Whitlow", true, "short form"},
    {"\xC5\x81ucja Nowakowska", "Lucja Nowakowska", true, "accent (Latin Extended-A)"},
    {"Siobhan Keighley", "Siobhan Keighly", true, "dropped letter"},
    {"Aidan Ferrers", "Aiden Ferrers", true, "spelling variant"},
    {"Jonathan Abernethy", "Jonathan Abernathy", true, "one letter"},
    {"Philippa Gorringe", "Philipa Gorringe", true, "dropped letter"},
    {"Mary Jane Pellinor", "Maryjane Pellinor", true, "written as one word"},
    {"Hannah Stroud", "Hanna Stroud", true, "dropped letter"},
    {"Benjamin Oyelaran", "Ben Oyelaran", true, "short form"},
    {"Niamh Gallagher", "Neve Gallacher", true, "spelling of both"},
    {"Ahmed Khan", "Ahmad Khan", true, "transliteration"},
    {"Tobias Wrenfeld", "Tobias Wrenfeld-Ashby", true, "surname double-barrelled later"},
    {"Kirsty Ollerenshaw", "Kristy Ollerenshaw", true, "transposed letters"},
    {"Wrenfeld Tobias", "Tobias Wrenfeld", true, "order of the tokens"},

    {"John Smith", "Joan Smith", false, "two given names one letter apart"},
    {"Mark Ellery", "Mary Ellery", false, "two given names one letter apart"},
    {"Tobias Wrenfeld", "Tobias Renwick", false, "another surname"},
    {"Anna Clarke", "Hannah Clarke", false, "two given names"},
    {"Tom Baxter", "Tim Baxter", false, "two short given names"},
    {"Jane Hollis", "June Hollis", false, "two given names one letter apart"},
    {"Sarah Okafor", "Susan Okafor", false, "two given names"},
    {"David Pennant", "Daniel Pennant", false, "two given names"},
    {"Peter Marsh", "Peter Walsh", false, "another surname"},
    {"Ian Brook", "Ivan Brook", false, "two given names"},
    {"Emma Thornton", "Emily Thornton", false, "two given names"},
    {"Kyle Jessop", "Kylie Jessop", false, "two given names one letter apart"},
    {"Adam Wright", "Adrian Wright", false, "two given names"},
    {"Liam Foster", "Leah Foster", false, "two given names"},
    {"Oliver Grant", "Olivia Grant", false, "two given names"},
    {"Michael Stone", "Michelle Stone", false, "two given names"},
    {"Sean Morley", "Dean Morley", false, "two given names one letter apart"},
    {"Chloe Ashworth", "Zoe Ashworth", false, "two given names"},
    {"Priya Sharma", "Pooja Sharma", false, "two given names"},
    {"Lucy Hammond", "Lucas Hammond", false, "two given names"},
    {"Harry Fenwick", "Harvey Fenwick", false, "two given names"},
    {"Paul Rigby", "Pauline Rigby", false, "two given names"},
    {"Ethan Morris", "Nathan Morris", false, "two given names"},
    {"Stephen Okafor", "Stephanie Okafor", false, "two given names"},
    {"Grace Hindley", "Grace Lindley", false, "another surname one letter apart"},
    {"Carl Benson", "Carla Benson", false, "two given names one letter apart"},
    {"Tobias Wrenfeld", "Maria Wrenfeld", false, "another person of the family"},
    {"Tobias Wrenfeld", "Tobias Quarrington", false, "another surname"},
    {"Amy Talbot", "Amy Tallis", false, "another surname"},
    {"Ruth Penhaligon", "Ruth Pendragon", false, "another surname"},
};

}  // namespace

TEST_CASE("name matching holds its precision and recall on a table of true and false pairs") {
  int tp = 0, fp = 0, fn = 0, tn = 0;
  for (const auto& p : kPairs) {
    const bool said = match_names(p.a, p.b) != NameMatch::none;
    const bool again = match_names(p.b, p.a) != NameMatch::none;
    CHECK_MESSAGE(said == again, fmt::format("not symmetric: {} / {}", p.a, p.b));
    if (said && p.same) ++tp;
    else if (said && !p.same) ++fp;
    else if (!said && p.same) ++fn;
    else ++tn;
    if (said != p.same)
      MESSAGE(fmt::format("{}: {} / {} ({})", p.same ? "missed" : "wrongly matched", p.a, p.b, p.why));
  }
  const int pairs = tp + fp + fn + tn;
  REQUIRE(pairs >= 40);
  REQUIRE(tp + fn >= 20);  // true pairs
  REQUIRE(fp + tn >= 20);  // false pairs
  const double precision = tp + fp == 0 ? 0.0 : double(tp) / double(tp + fp);
  const double recall = tp + fn == 0 ? 0.0 : double(tp) / double(tp + fn);
  MESSAGE(fmt::format("name matching on {} pairs ({} true, {} false): precision {:.3f}, recall {:.3f} "
                      "(tp {}, fp {}, fn {}, tn {})",
                      pairs, tp + fn, fp + tn, precision, recall, tp, fp, fn, tn));
  // The bar (docs/matching.md): a change to the method that lowers either
  // below it fails here.
  CHECK(precision >= 0.90);
  CHECK(recall >= 0.90);
}

TEST_CASE("a name matches exactly when rule 10 would call it the same") {
  CHECK(match_names("Tobias Wrenfeld", "Tobias Wrenfeld") == NameMatch::exact);
  CHECK(match_names("Tobias Wrenfeld", "  tobias   WRENFELD ") == NameMatch::exact);
}

TEST_CASE("a name matches as normalised when only order, punctuation or accents differ") {
  CHECK(match_names("wrenfeld, tobias", "Tobias Wrenfeld") == NameMatch::normalised);
  CHECK(match_names("Wrenfeld Tobias", "Tobias Wrenfeld") == NameMatch::normalised);
  CHECK(match_names("Sarah O'Neill", "Sarah ONeill") == NameMatch::normalised);
  CHECK(match_names("Sarah O\xE2\x80\x99Neill", "Sarah O'Neill") == NameMatch::normalised);
  CHECK(match_names("Zo\xC3\xAB Brannagh", "zoe brannagh") == NameMatch::normalised);
  CHECK(match_names("ZO\xC3\x8B BRANNAGH", "zoe brannagh") == NameMatch::normalised);
  CHECK(match_names("Anna Smith-Jones", "Anna Smith Jones") == NameMatch::normalised);
  CHECK(match_names("G\xC3\xBCnther Stra\xC3\x9F" "e", "Gunther Strasse") == NameMatch::normalised);
}

TEST_CASE("a short form, a typo or part of a name matches as similar") {
  CHECK(match_names("Toby Wrenfield", "Tobias Wrenfeld") == NameMatch::similar);
  CHECK(match_names("wrenfeld", "Tobias Wrenfeld") == NameMatch::similar);
  CHECK(match_names("T Wrenfeld", "Tobias Wrenfeld") == NameMatch::similar);
  CHECK(match_names("T W", "Tobias Wrenfeld") == NameMatch::none);  // initials alone
  CHECK(match_names("", "Tobias Wrenfeld") == NameMatch::none);
  CHECK(match_names("--", "Tobias Wrenfeld") == NameMatch::none);
}

TEST_CASE("the notice needs two names of at least two tokens") {
  CHECK(prevent::names_alike_for_notice("Toby Wrenfield", "Tobias Wrenfeld"));
  CHECK_FALSE(prevent::names_alike_for_notice("Wrenfeld", "Tobias Wrenfeld"));
  CHECK_FALSE(prevent::names_alike_for_notice("Joan Smith", "John Smith"));
}

TEST_CASE("optimal string alignment counts a transposition as one edit") {
  using prevent::osa_distance;
  CHECK(osa_distance("", "") == 0);
  CHECK(osa_distance("tobias", "tobais") == 1);
  CHECK(osa_distance("wrenfeld", "wrenfield") == 1);
  CHECK(osa_distance("smith", "smyth") == 1);
  CHECK(osa_distance("ca", "abc") == 3);  // OSA, not unrestricted Damerau (2)
  CHECK(osa_distance("kitten", "sitting") == 3);
  CHECK(osa_distance("abc", "") == 3);
}

TEST_CASE("the phonetic key codes the first letter and the sounds after it") {
  using prevent::phonetic_key;
  CHECK(phonetic_key("katherine") == phonetic_key("catherine"));
  CHECK(phonetic_key("wrenfeld") == phonetic_key("wrenfield"));
  CHECK(phonetic_key("mohammed") == phonetic_key("muhammad"));
  CHECK(phonetic_key("philipa") == phonetic_key("filipa"));
  CHECK(phonetic_key("anna") != phonetic_key("hannah"));
  CHECK(phonetic_key("mark") != phonetic_key("mary"));
  CHECK(phonetic_key("robert") == "r163");
}

TEST_CASE("given names of the table match their short forms, and no other given name") {
  using prevent::same_given_name;
  CHECK(same_given_name("toby", "tobias") == true);
  CHECK(same_given_name("bill", "william") == true);
  CHECK(same_given_name("kate", "katherine") == true);
  CHECK(same_given_name("alex", "alexandra") == true);
  CHECK(same_given_name("alex", "alexander") == true);
  CHECK(same_given_name("alexander", "alexandra") == false);
  CHECK(same_given_name("john", "joan") == false);
  CHECK_FALSE(same_given_name("wrenfeld", "tobias").has_value());
}

TEST_CASE("dates of birth are compatible when one field is mistyped or day and month are swapped") {
  using prevent::Date;
  using prevent::dates_of_birth_compatible;
  auto d = [](const char* s) { return Date::parse(s); };
  CHECK(dates_of_birth_compatible(d("2009-04-12"), d("2009-04-12")));
  CHECK(dates_of_birth_compatible(d("2009-04-12"), d("2008-04-12")));
  CHECK(dates_of_birth_compatible(d("2009-04-12"), d("2009-04-21")));
  CHECK(dates_of_birth_compatible(d("2009-04-12"), d("2009-12-04")));
  CHECK(dates_of_birth_compatible(std::nullopt, d("2009-12-04")));
  CHECK_FALSE(dates_of_birth_compatible(d("2009-04-12"), d("2011-06-12")));
  CHECK_FALSE(dates_of_birth_compatible(d("2009-04-12"), d("1990-01-30")));
}
