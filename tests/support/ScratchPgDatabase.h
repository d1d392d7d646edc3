#pragma once
// A throw-away PostgreSQL database for one test executable: created (after dropping a leftover of the same name) on
// construction, dropped on destruction. Needs libpqxx (tests built with MERIDIAN_HAVE_POSTGRES).
#include "PgTestUri.h"

#include <pqxx/pqxx>

#include <exception>
#include <string>

namespace meridian::testsupport {

class ScratchPgDatabase {
 public:
  // adminUri: a server and a role allowed to CREATE DATABASE (MERIDIAN_TEST_PG_URI). Throws on failure.
  ScratchPgDatabase(std::string adminUri, std::string name) : m_adminUri(std::move(adminUri)), m_name(std::move(name)) {
    exec("DROP DATABASE IF EXISTS " + m_name);
    exec("CREATE DATABASE " + m_name);
  }
  ~ScratchPgDatabase() {
    try {
      exec("DROP DATABASE IF EXISTS " + m_name);
    } catch (const std::exception&) {
      // The server may be gone at the end of a test run: a leftover is dropped by the next run's constructor.
    }
  }
  ScratchPgDatabase(const ScratchPgDatabase&) = delete;
  ScratchPgDatabase& operator=(const ScratchPgDatabase&) = delete;

  std::string uri() const { return withDatabase(m_adminUri, m_name); }

 private:
  void exec(const std::string& sql) const {
    pqxx::connection c{m_adminUri};
    pqxx::nontransaction n{c};
    n.exec(sql);
  }

  std::string m_adminUri;
  std::string m_name;
};

}  // namespace meridian::testsupport
