// The object the test programs' shared precompiled header is built with
// (tests/CMakeLists.txt, asbb_test_pch); it has no code of its own.
