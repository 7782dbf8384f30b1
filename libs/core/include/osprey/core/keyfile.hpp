// Key files: the master keys of a KeyRing (sealing keys, keyed-hash keys) on disk, kept apart from the
// database and its backups.
//
// Format: text, one key per line, "<key id> <base64 of 32 bytes>" (the base64 with padding, as
// `openssl rand -base64 32` prints it). Blank lines and lines starting with '#' are ignored. Keys are
// added in file order and the LAST key listed is the active one, so rotation appends a line.
//
// Permissions: a key file must not be readable or writable by group or others. LoadKeyRing refuses one
// whose mode has any of the 077 bits set (kFailedPrecondition, telling the operator to chmod 600): a
// warning in a log is easy to miss, and a world-readable key voids the protection the key exists for.
//
// Error messages name the file, the line number and the key id, never key bytes or line contents.
// Thread rule: these functions touch the file system only; concurrent calls on different files are safe,
// concurrent rotations of the same file are not.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "osprey/core/key_ring.hpp"
#include "osprey/core/result.hpp"

namespace osprey::crypto {

// Reads the key file at `path`. kNotFound when it does not exist; kPermissionDenied when it cannot be
// read; kFailedPrecondition when its mode allows group/other access or it is not a regular file;
// kInvalidArgument for a malformed line (with its number), a duplicate key id, or a file with no keys.
Result<KeyRing> LoadKeyRing(const std::filesystem::path& path);

// Creates a key file holding one fresh random key named `key_id`, with mode 0600. Never overwrites:
// kAlreadyExists when `path` exists. kInvalidArgument for a malformed key id; kNotFound when the directory
// does not exist; kPermissionDenied when it may not be written.
Status GenerateKeyFile(const std::filesystem::path& path, std::string_view key_id = "k1");

// Appends a fresh random key to an existing key file, making it the active one, and returns its id: one
// past the highest "k<number>" id in the file ("k2" after "k1"). Fails like LoadKeyRing when the existing
// file does not load. Old keys stay, so values made under them still open.
Result<std::string> RotateKeyFile(const std::filesystem::path& path);

}  // namespace osprey::crypto
