#include "name_match.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "text.hpp"

namespace prevent {

namespace {

// Base letters of U+00E0–U+00FF (after case folding; ÷ and the multi-letter
// ones are handled apart) and of U+0100–U+017F (Latin Extended-A).
constexpr std::string_view kLatin1 = "aaaaaaaceeeeiiiidnooooo ouuuuyty";
constexpr std::string_view kExtendedA =
    "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii" "ii" "jj" "kkk" "llllllllll"
    "nnnnnnnnn" "oooooo" "oo" "rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";
static_assert(kLatin1.size() == 32);
static_assert(kExtendedA.size() == 128);

// Given names of English (and a few other common) use: each entry lists a
// name with its short forms and spelling variants. A name can stand in more
// than one entry (Alex, Sam, Chris, Jo). Names with no short form are
// listed too, so that two different given names are known as different
// (Jane, Joan, June).
constexpr std::string_view kGivenNames[] = {
    "tobias toby tobi",
    "william bill billy will willie willy liam wil",
    "katherine catherine kathryn katharine kathleen kate katie katy kath kathy cathy cath kat kit kitty",
    "elizabeth liz lizzie lizzy beth betty bet bess bessie eliza libby elsie lisa",
    "margaret maggie meg peggy madge marge margie greta",
    "robert rob robbie bob bobby bert",
    "richard rich richie rick ricky dick dicky",
    "james jim jimmy jamie",
    "john jon johnny jonny jack jock",
    "jonathan jon jonny nathan",
    "michael mike mick micky mikey mickey",
    "david dave davy davey",
    "daniel dan danny",
    "matthew matt matty",
    "thomas tom tommy",
    "anthony antony tony",
    "andrew andy drew",
    "stephen steven steve stevie",
    "joseph joe joey jo",
    "josephine jo josie",
    "joanne joanna jo",
    "nicholas nicolas nick nicky",
    "nicola nicole nikki nicky",
    "benjamin ben benny benji",
    "charles charlie chas chuck chaz",
    "charlotte charlie lottie lotte",
    "henry harry hal hank",
    "harold harry hal",
    "edward ed eddie eddy ted teddy ned",
    "edmund ed eddie ned",
    "theodore theo ted teddy",
    "alexander alex alec al sandy sasha xander",
    "alexandra alex alexa lexi sandra sandy sasha",
    "samuel sam sammy",
    "samantha sam sammie sammy",
    "christopher chris kit",
    "christine christina chris chrissie tina kirsty kirstie",
    "patrick pat paddy",
    "patricia pat patty trish tricia",
    "terence terrence terry",
    "theresa teresa tess tessa terri terry",
    "frederick frederic fred freddie freddy",
    "alfred alf alfie fred freddie",
    "francis frank frankie fran",
    "frances fran frankie fanny",
    "susan susanne suzanne sue susie suzy",
    "jennifer jenny jen jenna",
    "rebecca becky becca",
    "victoria vicky vicki tori",
    "abigail abby abbie gail",
    "eleanor elinor ellie nell nellie nora",
    "helen helena ellen nell nellie",
    "deborah debra debbie deb",
    "pamela pam",
    "amanda mandy",
    "sarah sara sally sadie",
    "mary molly polly mae",
    "ann anne anna annie nan nancy",
    "hannah hanna",
    "isabel isabella isobel izzy bella",
    "louis lewis lou louie",
    "louise louisa lou lulu",
    "gabrielle gabriella gabby",
    "gabriel gabe",
    "zachary zach zack zak",
    "joshua josh",
    "jacob jake jakob",
    "oliver olly ollie",
    "archibald archie",
    "gerald gerry jerry",
    "gregory greg",
    "leonard len lenny leo",
    "ronald ron ronnie",
    "donald don donny",
    "raymond ray",
    "reginald reg reggie",
    "philip phillip phil pip",
    "peter pete",
    "kenneth ken kenny",
    "timothy tim timmy",
    "vincent vince vinny",
    "alan allan allen al",
    "albert bert bertie al",
    "jessica jess jessie",
    "cassandra cassie",
    "amelia millie milly emilia",
    "emily emilie em",
    "emma em",
    "dorothy dot dottie dolly",
    "valerie val",
    "virginia ginny",
    "kimberley kimberly kim",
    "rosemary rose rosie",
    "mohammed muhammad mohamed mohammad muhammed mohamad mohd mo",
    "ibrahim ebrahim",
    "yusuf yousef yusef joseph",
    "sean shaun shawn",
    "aiden aidan aden",
    "connor conor",
    "callum calum",
    "niamh neve",
    "sophie sophia",
    "chloe",
    "lucy lucie",
    "megan meghan meg",
    "jane",
    "joan",
    "june",
    "jean",
    "mark marc",
    "tim",
    "kyle",
    "kylie",
    "paul",
    "pauline",
    "dean",
    "ian iain",
    "ivan",
    "owen",
    "adam",
    "adrian",
    "ryan",
    "ross",
    "scott",
    "neil neal",
    "carl karl",
    "gary garry",
    "lee leigh",
    "amy",
    "zoe",
    "ruth",
    "grace",
    "ava",
    "eve eva",
    "harvey",
    "tyler",
    "jordan",
    "ethan",
    "noah",
    "leah lea",
    "laura lauren",
    "claire clare",
    "karen",
    "carol carole",
    "linda",
    "michelle shelley",
    "olivia liv livvy",
    "stephanie steph",
    "maria",
    "lucas luke",
};

class GivenNames {
 public:
  GivenNames() {
    for (size_t entry = 0; entry < std::size(kGivenNames); ++entry) {
      std::string_view names = kGivenNames[entry];
      while (!names.empty()) {
        size_t end = names.find(' ');
        std::string_view name = names.substr(0, end);
        entries_[std::string(name)].insert(entry);
        names = end == std::string_view::npos ? std::string_view() : names.substr(end + 1);
      }
    }
  }
  const std::set<size_t>* entries(std::string_view name) const {
    auto it = entries_.find(std::string(name));
    return it == entries_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, std::set<size_t>> entries_;
};

const GivenNames& given_names() {
  static const GivenNames table;
  return table;
}

// The name folded (case, space, accents) with its marks resolved: letters
// and digits kept, apostrophes dropped, anything else a space.
std::string letters_of(std::string_view name) {
  const std::string folded = fold_case_and_space(name);
  std::string out;
  auto space = [&] {
    if (!out.empty() && out.back() != ' ') out += ' ';
  };
  for (size_t i = 0; i < folded.size(); ++i) {
    const auto c = static_cast<unsigned char>(folded[i]);
    if (c < 0x80) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += static_cast<char>(c);
      else if (c == '\'' || c == '`') continue;
      else if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
      else space();
      continue;
    }
    // Two-byte sequences of U+0080–U+07FF.
    if ((c & 0xE0) == 0xC0 && i + 1 < folded.size() && (static_cast<unsigned char>(folded[i + 1]) & 0xC0) == 0x80) {
      const unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(folded[i + 1]) & 0x3Fu);
      ++i;
      if (cp == 0xDF) out += "ss";
      else if (cp == 0xE6 || cp == 0xC6) out += "ae";
      else if (cp == 0xFE || cp == 0xDE) out += "th";
      else if (cp == 0x153 || cp == 0x152) out += "oe";
      else if (cp >= 0xC0 && cp <= 0xDF && kLatin1[cp - 0xC0] != ' ') out += kLatin1[cp - 0xC0];
      else if (cp >= 0xE0 && cp <= 0xFF && kLatin1[cp - 0xE0] != ' ') out += kLatin1[cp - 0xE0];
      else if (cp >= 0x100 && cp <= 0x17F) out += kExtendedA[cp - 0x100];
      else if (cp < 0xC0) space();  // Latin-1 punctuation: ¡, «, ·, …
      else out.append(folded, i - 1, 2);
      continue;
    }
    // U+2019 and U+2018 (curly apostrophes) are dropped; U+2010–U+2015
    // (hyphens and dashes) separate; other text is kept as it is.
    if (c == 0xE2 && i + 2 < folded.size() && static_cast<unsigned char>(folded[i + 1]) == 0x80) {
      const auto third = static_cast<unsigned char>(folded[i + 2]);
      if (third == 0x98 || third == 0x99) {
        i += 2;
        continue;
      }
      if (third >= 0x90 && third <= 0x95) {
        i += 2;
        space();
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

char soundex_digit(char c) {
  switch (c) {
    case 'b': case 'f': case 'p': case 'v': return '1';
    case 'c': case 'g': case 'j': case 'k': case 'q': case 's': case 'x': case 'z': return '2';
    case 'd': case 't': return '3';
    case 'l': return '4';
    case 'm': case 'n': return '5';
    case 'r': return '6';
    case 'h': case 'w': return '-';  // does not break a run
    default: return '0';             // vowels, y, and anything else
  }
}

// The largest distance allowed between two tokens, the longer of
// `longest` bytes; one more when they sound alike.
size_t edit_limit(size_t longest) {
  if (longest <= 3) return 0;
  if (longest <= 7) return 1;
  return 2;
}

enum class TokenLike { no, initial, yes };

TokenLike token_like(std::string_view a, std::string_view b) {
  if (a == b) return TokenLike::yes;
  if ((a.size() == 1 && b.size() > 1 && b.front() == a.front()) ||
      (b.size() == 1 && a.size() > 1 && a.front() == b.front()))
    return TokenLike::initial;
  return tokens_alike(a, b) ? TokenLike::yes : TokenLike::no;
}

// Whether every token of `few` is like a different token of `many`
// (few.size() <= many.size()), one at least more than an initial: a small
// search over assignments (names have few tokens; at most eight are
// compared).
bool assign(const std::vector<std::string>& few, const std::vector<std::string>& many, size_t i,
            std::vector<char>& used, bool any_full) {
  if (i == few.size()) return any_full;
  for (size_t j = 0; j < many.size(); ++j) {
    if (used[j]) continue;
    TokenLike like = token_like(few[i], many[j]);
    if (like == TokenLike::no) continue;
    used[j] = 1;
    bool ok = assign(few, many, i + 1, used, any_full || like == TokenLike::yes);
    used[j] = 0;
    if (ok) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

}  // namespace

std::string_view name_match_key(NameMatch m) {
  switch (m) {
    case NameMatch::none: return "none";
    case NameMatch::similar: return "similar";
    case NameMatch::normalised: return "normalised";
    case NameMatch::exact: return "exact";
  }
  return "none";
}

std::vector<std::string> name_tokens(std::string_view name) {
  std::vector<std::string> out;
  const std::string letters = letters_of(name);
  size_t start = 0;
  while (start < letters.size()) {
    size_t end = letters.find(' ', start);
    if (end == std::string::npos) end = letters.size();
    if (end > start) out.push_back(letters.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

size_t osa_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

std::string phonetic_key(std::string_view token) {
  std::string out;
  if (token.empty()) return out;
  size_t i = 1;
  char first = token.front();
  if (first == 'c' || first == 'q') first = 'k';
  if (token.starts_with("ph")) {
    first = 'f';
    i = 2;
  }
  out += first;
  char last = soundex_digit(token.front());
  for (; i < token.size(); ++i) {
    char d = soundex_digit(token[i]);
    if (d == '-') continue;
    if (d != '0' && d != last) out += d;
    last = d;
  }
  return out;
}

std::optional<bool> same_given_name(std::string_view a, std::string_view b) {
  const auto* ea = given_names().entries(a);
  const auto* eb = given_names().entries(b);
  if (!ea || !eb) return std::nullopt;
  for (size_t e : *ea)
    if (eb->contains(e)) return true;
  return false;
}

bool tokens_alike(std::string_view a, std::string_view b) {
  if (a == b) return true;
  if (auto same = same_given_name(a, b)) return *same;
  const size_t longest = std::max(a.size(), b.size());
  const size_t limit = edit_limit(longest);
  if (longest <= 3) return false;
  const size_t d = osa_distance(a, b);
  if (d <= limit) return true;
  return d == limit + 1 && phonetic_key(a) == phonetic_key(b);
}

NameMatch match_names(std::string_view query, std::string_view candidate) {
  if (fold_case_and_space(query) == fold_case_and_space(candidate)) return NameMatch::exact;
  std::vector<std::string> a = name_tokens(query), b = name_tokens(candidate);
  if (a.empty() || b.empty()) return NameMatch::none;
  {
    std::vector<std::string> sa = a, sb = b;
    std::sort(sa.begin(), sa.end());
    std::sort(sb.begin(), sb.end());
    if (sa == sb) return NameMatch::normalised;
  }
  if (a.size() > 8) a.resize(8);
  if (b.size() > 8) b.resize(8);
  const auto& few = a.size() <= b.size() ? a : b;
  const auto& many = a.size() <= b.size() ? b : a;
  std::vector<char> used(many.size(), 0);
  if (assign(few, many, 0, used, false)) return NameMatch::similar;
  // A name written as one word on one side and two on the other
  // (Maryjane, Mary Jane): the tokens joined, in the order written. Only
  // when the counts differ, or two given names one letter apart would
  // match through their surname (Joan Smith, John Smith).
  if (a.size() != b.size() && tokens_alike(joined(a), joined(b))) return NameMatch::similar;
  return NameMatch::none;
}

bool names_alike_for_notice(std::string_view a, std::string_view b) {
  if (name_tokens(a).size() < 2 || name_tokens(b).size() < 2) return false;
  return match_names(a, b) != NameMatch::none;
}

std::vector<std::string> similarity_blocks(std::string_view name, const std::optional<Date>& dob) {
  std::set<std::string> out;
  for (const auto& t : name_tokens(name)) {
    if (t.size() < 2) continue;
    out.insert("p:" + phonetic_key(t));
    if (const auto* entries = given_names().entries(t))
      for (size_t e : *entries) out.insert("g:" + std::to_string(e));
  }
  if (dob) {
    const std::string y = std::to_string(dob->year()), m = std::to_string(dob->month()),
                      d = std::to_string(dob->day());
    out.insert("ym:" + y + "-" + m);
    out.insert("yd:" + y + "-" + d);
    out.insert("md:" + m + "-" + d);
    out.insert("ys:" + y + "-" + std::min(m, d) + "-" + std::max(m, d));
  }
  return {out.begin(), out.end()};
}

bool dates_of_birth_compatible(const std::optional<Date>& a, const std::optional<Date>& b) {
  if (!a || !b) return true;
  const int same = int(a->year() == b->year()) + int(a->month() == b->month()) + int(a->day() == b->day());
  if (same >= 2) return true;
  return a->year() == b->year() && a->month() == b->day() && a->day() == b->month();
}

}  // namespace prevent
