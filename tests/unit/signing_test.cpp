// Running the signer (subprocess.cpp) and what a signer's failure means
// (signing.cpp): exit 6, never a commit signed with nothing.
#include <doctest/doctest.h>

#include <string>

#include "signing.hpp"
#include "subprocess.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;

TEST_CASE("a helper program gets its input on stdin and its output is captured") {
  std::string big(300000, 'x');  // larger than a pipe's buffer: no deadlock
  ProcessResult r = run_process({"cat"}, big);
  CHECK(r.started);
  CHECK(r.exit_status == 0);
  CHECK(r.out == big);
}

TEST_CASE("a helper's exit status and stderr are reported") {
  ProcessResult r = run_process({"sh", "-c", "echo oops >&2; exit 3"}, "");
  CHECK(r.started);
  CHECK(r.exit_status == 3);
  CHECK(first_line(r.err) == "oops");
}

TEST_CASE("a helper that does not exist is not started") {
  ProcessResult r = run_process({"/nonexistent/prevent-signer"}, "data");
  CHECK_FALSE(r.started);
}

TEST_CASE("a helper runs without a controlling terminal") {
  ProcessResult r =
      run_process({"sh", "-c", "if (exec 3</dev/tty) 2>/dev/null; then echo tty; else echo none; fi"}, "");
  CHECK(first_line(r.out) == "none");
}

TEST_CASE("a signer that fails or prints nothing stops the commit with exit 6") {
  for (const char* program : {"false", "true", "/nonexistent/prevent-signer"}) {
    Signer s{Signer::Format::ssh, program, "/nonexistent/key"};
    auto f = failure_of([&] { sign_commit_buffer(s, "tree 0\n"); });
    REQUIRE_MESSAGE(f, program);
    CHECK(f->code() == Exit::store);
    CHECK(has(f->what(), "cannot sign the commit"));
  }
}

TEST_CASE("an openpgp signature counts only when gpg reports SIG_CREATED, as git requires") {
  // `echo` prints its arguments (a "signature") and exits 0, with no
  // status line on stderr.
  Signer s{Signer::Format::openpgp, "echo", "someone@example.invalid"};
  auto f = failure_of([&] { sign_commit_buffer(s, "tree 0\n"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
}
