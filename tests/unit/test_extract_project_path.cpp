#include <doctest/doctest.h>

#include "extract/project_path.hpp"

using factory::extract::is_project_path;

TEST_CASE("outside a repository, a frame is project code unless it is in a library location") {
  CHECK(is_project_path("app/main.py", {}));
  CHECK(is_project_path("/home/me/app/main.py", {}));
  CHECK(is_project_path("/tmp/x/calc.go", {}));
  CHECK_FALSE(is_project_path("/usr/lib/python3.11/json/decoder.py", {}));
  CHECK_FALSE(is_project_path("/root/.pyenv/versions/3.11.4/lib/python3.11/re.py", {}));
  CHECK_FALSE(is_project_path("/venv/lib/python3.11/site-packages/_pytest/python.py", {}));
  CHECK_FALSE(is_project_path("/usr/lib/python3/dist-packages/pluggy/_hooks.py", {}));
  CHECK_FALSE(is_project_path("/usr/lib/go-1.19/src/testing/testing.go", {}));
  CHECK_FALSE(is_project_path("/usr/local/go/src/runtime/panic.go", {}));
  CHECK_FALSE(is_project_path("/root/go/pkg/mod/github.com/x/y@v1.0.0/y.go", {}));
  CHECK_FALSE(is_project_path("/root/.cargo/registry/src/index/serde-1.0/src/de.rs", {}));
  CHECK_FALSE(is_project_path(
      "/rustc/90c541806f23a127002de5b4038be731ba1458ca/library/core/src/panicking.rs", {}));
  CHECK_FALSE(is_project_path("<frozen importlib._bootstrap>", {}));
  CHECK_FALSE(is_project_path("", {}));
}

TEST_CASE("inside a workspace, an absolute path must lie under it") {
  std::filesystem::path root = "/work/app.factory/fix-bug";
  CHECK(is_project_path("/work/app.factory/fix-bug/src/calc.py", root));
  CHECK(is_project_path("src/calc.py", root));
  CHECK_FALSE(is_project_path("/work/app.factory/fix-bug-2/src/calc.py", root));
  CHECK_FALSE(is_project_path("/opt/other/lib.py", root));
  CHECK_FALSE(
      is_project_path("/work/app.factory/fix-bug/.venv/lib/python3.11/site-packages/x.py", root));
}
