// The side files of store/derived (.git/prevent/…): derived data kept
// beside the history, never a source of truth. What they share lives here:
// one checksum, the whole-file seal (magic, version, checksum), the
// append-only file of records, and reading and writing them. Each file's
// byte layout is described at the top of the file that writes it:
//
//   cases-v1            cache_file.hpp  (sealed: magic, version, …, checksum)
//   cases-v1-changes    case_cache.cpp  (records, appended one per write)
//   log-v1/cases-YYYY   log_index.cpp   (a chain of tagged segments)
//   people-v2           person_index.cpp (text, with a tag of its body)
//
// A side file that is missing, cut short, damaged or of another version is
// never used: it is rebuilt (or left for the next read to rebuild), and the
// results are the same, only slower. None of them is fsynced: lost, it is
// rebuilt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prevent {

// The tag every side file carries: HMAC-SHA-256, cut to its first `n`
// bytes (n <= 32), under a key that is not in the store but in the user's
// own state directory ($XDG_STATE_HOME/prevent/side-file-key, else
// ~/.local/state/prevent/side-file-key, 32 random bytes made 0600 on first
// use). It notices damage (a cut or overwritten file, a flipped bit) and
// forgery alike: whoever can write .git/prevent (the person who handed over
// a store, another account with write access to it) cannot make a file
// this user's prevent will take, since they lack the key; a file written
// under another user's key does not check out and is rebuilt. When the key
// cannot be kept (no home directory, a read-only one), each run makes a key
// of its own: side files are then written but never used again.
//
// `seed` names what the bytes mean beyond the header's version: the record
// cache passes its entries' format (kCaseEntryFormat, which follows the
// record's description), so a file written under another description fails
// its tag and is rebuilt. 0 for files without such a meaning.
void side_file_mac(std::string_view bytes, uint64_t seed, unsigned char* out, size_t n);
// The first 8 bytes of it, as a little-endian number: the tag of sealed
// files and records below.
uint64_t side_file_checksum(std::string_view bytes, uint64_t seed = 0);
// Where the key is kept ("" when no directory for it is known).
std::filesystem::path side_file_key_path();

// A sealed file: `bytes` (which begin with an 8-byte magic and a u32
// little-endian version) followed by the u64 tag of them.
void seal_side_file(std::string& bytes, uint64_t seed = 0);
// The bytes before the checksum when `file` is sealed, starts with `magic`
// (8 bytes) and `version`, and holds at least `min_size` bytes before the
// checksum; nullopt otherwise.
std::optional<std::string_view> unsealed_side_file(std::string_view file, std::string_view magic, uint32_t version,
                                                   size_t min_size = 0, uint64_t seed = 0);

// A file of records, appended one at a time: an 8-byte magic and a u32
// version, then per record u32 length, the record's bytes, u64 checksum of
// them. Appends `record` in one write() to the file at `path` (made 0600
// with its header when absent or of another magic or version; left alone
// when it is already larger than `max_bytes`). Returns whether it wrote.
bool append_side_record(const std::filesystem::path& path, std::string_view magic, uint32_t version,
                        std::string_view record, size_t max_bytes, uint64_t seed = 0);
// The records of such a file, in order, up to the first that is cut short
// or fails its checksum (a write stopped half way); nullopt when the header
// is not `magic` and `version`.
std::optional<std::vector<std::string_view>> side_records(std::string_view file, std::string_view magic,
                                                          uint32_t version, uint64_t seed = 0);

// The whole file, or "" when it is missing, empty, unreadable or larger than
// `limit`.
std::string read_side_file(const std::filesystem::path& path, size_t limit);
// Writes the file through a temporary file and a rename (making its
// directory, 0700, when needed); false when it cannot (a read-only store: a
// side file is then simply not kept).
bool write_side_file(const std::filesystem::path& path, std::string_view bytes);

}  // namespace prevent
