// POSIX side of FileSync.h: fsync(2), rename(2) and an fsync of the directory that holds the entry.
#include "core/common/FileSync.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace meridian::common {
namespace {

Error fail(const std::string& what, const std::string& path) {
  return makeError("file.sync", what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Status syncFile(QFile& file) {
  if (!file.flush()) return makeError("file.sync", "flush " + file.fileName().toStdString() + ": " + file.errorString().toStdString());
  const int fd = file.handle();
  if (fd < 0) return makeError("file.sync", "fsync " + file.fileName().toStdString() + ": file is not open");
  if (::fsync(fd) != 0) return fail("fsync", file.fileName().toStdString());
  return {};
}

Status syncDirectory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail("open directory", directory);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  errno = err;
  if (rc != 0) return fail("fsync directory", directory);
  return {};
}

Status replaceFile(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) return fail("rename " + from + " to", to);
  return syncDirectory(QFileInfo(QString::fromStdString(to)).absolutePath().toStdString());
}

}  // namespace meridian::common
