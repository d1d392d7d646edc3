#pragma once
// Helpers shared by the PostgreSQL integration tests.
#include <string>

namespace meridian::testsupport {

// The same server URI (postgresql://... or a key=value conninfo) pointing at another database.
inline std::string withDatabase(const std::string& uri, const std::string& db) {
  if (!(uri.starts_with("postgresql://") || uri.starts_with("postgres://"))) return uri + " dbname=" + db;
  const auto authorityStart = uri.find("://") + 3;
  const auto pathStart = uri.find_first_of("/?", authorityStart);
  if (pathStart == std::string::npos) return uri + "/" + db;
  if (uri[pathStart] == '?') return uri.substr(0, pathStart) + "/" + db + uri.substr(pathStart);
  const auto query = uri.find('?', pathStart);
  return uri.substr(0, pathStart) + "/" + db + (query == std::string::npos ? "" : uri.substr(query));
}

}  // namespace meridian::testsupport
