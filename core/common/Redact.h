#pragma once
// Secret redaction applied to every log line and diagnostic dump.
#include <string>
#include <string_view>

namespace meridian::common {

// Registers a secret value (API key, password) so that it is replaced by "***" wherever it would be logged.
// Values shorter than 4 characters are ignored (they would mask ordinary text). Thread-safe.
void registerSecret(std::string_view value);
void clearRegisteredSecrets();  // tests only

// Returns text with: registered secrets, URI passwords (scheme://user:PASSWORD@host), and the values of
// key=value / "key": "value" / Header: value pairs whose key names a secret (api key, secret, password, token,
// authorization, APCA-API-*) replaced by "***".
std::string redact(std::string_view text);

// A URL whose path and query are its credential (a webhook): "https://hooks.example.com/***" (scheme, host and
// port kept; user info, path, query and fragment hidden). A URL with no path or query is returned as it is;
// text that is not a URL is hidden whole ("***").
std::string redactUrlPath(std::string_view url);
// Config keys whose value is such a URL (notify.webhook_url): shown through redactUrlPath everywhere.
bool isUrlWithSecretPath(std::string_view key);

}  // namespace meridian::common
