// Files written so that a crash leaves the old bytes or the new, never half,
// and directories only their owner can read (the records are personal data).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace prevent {

// Writes `content` to `path` through a temporary file and a rename, owner
// read/write only: a reader sees the old bytes or the new, never half.
// Durability::now fsyncs the file and its directory; Durability::later
// leaves that to one sync_filesystem() after a batch.
enum class Durability { now, later };
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           Durability durability = Durability::now);
void sync_filesystem(const std::filesystem::path& any_path);

// fsyncs a directory, so that a rename or an unlink in it survives a power
// cut. Best effort: a directory that cannot be opened is left.
void fsync_directory(const std::filesystem::path& dir);

// Creates a directory (and its parents) with mode 0700.
void make_private_dirs(const std::filesystem::path& dir);

// A file's bytes (empty when it cannot be read).
std::string read_whole_file(const std::filesystem::path& path);

}  // namespace prevent
