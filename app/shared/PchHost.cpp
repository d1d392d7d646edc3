// The translation unit that builds the precompiled headers (MERIDIAN_PCH: the top-level CMakeLists.txt builds one for
// the libraries and programs, tests/CMakeLists.txt two for the test suites).
