// Files written so that a crash leaves the old bytes or the new, never half,
// and directories only their owner can read (the records are personal data).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace prevent {

// Writes `content` to `path` through a temporary file and a rename, owner
// read/write only: a reader sees the old bytes or the new, never half.
// Durability::now fsyncs the file and its directory; Durability::later
// leaves that to one sync_filesystem() after a batch. Every error, the
// fsyncs' included, is Failure(store): a file the disk could not save is
// not reported as written.
enum class Durability { now, later };
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           Durability durability = Durability::now);
// syncfs(2) of the file system holding `any_path`; Failure(store) when the
// file system reports an error (an I/O error, a full disk).
void sync_filesystem(const std::filesystem::path& any_path);

// fsyncs a directory, so that a rename or an unlink in it survives a power
// cut. Failure(store) when the fsync fails; a directory that cannot be
// opened (no permission to read it) is left.
void fsync_directory(const std::filesystem::path& dir);

// `.<file>.tmp-<pid>`: write_file_atomically's temporary file for `file`,
// and the writer's process id; nullopt for any other name.
std::optional<long> temp_file_owner(std::string_view name);
// Whether process `pid` is gone (so its temporary files are litter).
bool process_is_gone(long pid);

// Creates a directory (and its parents) with mode 0700.
void make_private_dirs(const std::filesystem::path& dir);

// A file's bytes (empty when it cannot be read).
std::string read_whole_file(const std::filesystem::path& path);

}  // namespace prevent
