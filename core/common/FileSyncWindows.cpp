// Windows side of FileSync.h: _commit (FlushFileBuffers on the CRT descriptor Qt uses) and MoveFileExW with
// MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH. NTFS journals directory entries itself: no directory sync.
#include "core/common/FileSync.h"

#include <QFile>
#include <QString>

#include <io.h>
#include <windows.h>

namespace meridian::common {

Status syncFile(QFile& file) {
  if (!file.flush()) return makeError("file.sync", "flush " + file.fileName().toStdString() + ": " + file.errorString().toStdString());
  const int fd = file.handle();
  if (fd < 0 || _commit(fd) != 0) return makeError("file.sync", "commit " + file.fileName().toStdString() + " failed");
  return {};
}

Status syncDirectory(const std::string&) { return {}; }

Status replaceFile(const std::string& from, const std::string& to) {
  const std::wstring a = QString::fromStdString(from).toStdWString();
  const std::wstring b = QString::fromStdString(to).toStdWString();
  if (!MoveFileExW(a.c_str(), b.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    return makeError("file.sync", "replace " + to + " failed (error " + std::to_string(GetLastError()) + ")");
  return {};
}

}  // namespace meridian::common
