#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/process.hpp"

namespace factory::test {

// Answers each command with a scripted result; records every request.
class FakeRunner : public core::ProcessRunner {
 public:
  struct Reply {
    int exit_code = 0;
    std::string output;
    bool timed_out = false;
    bool interrupted = false;
  };
  std::map<std::string, Reply> replies;  // by the shell command (argv[2]) or argv[0]
  std::vector<core::ProcessRequest> requests;

  // The commands run so far (argv[2] for shell requests).
  std::vector<std::string> commands() const {
    std::vector<std::string> out;
    for (const auto& r : requests) out.push_back(key(r));
    return out;
  }

  core::ProcessResult run(const core::ProcessRequest& request) override {
    requests.push_back(request);
    core::ProcessResult result;
    result.exit_code = 0;
    auto it = replies.find(key(request));
    if (it != replies.end()) {
      result.exit_code = it->second.timed_out ? -1 : it->second.exit_code;
      result.output = it->second.output;
      result.timed_out = it->second.timed_out;
      result.interrupted = it->second.interrupted;
    }
    return result;
  }

 private:
  static std::string key(const core::ProcessRequest& r) {
    if (r.argv.size() == 3 && r.argv[0] == "/bin/sh") return r.argv[2];
    return r.argv.empty() ? "" : r.argv[0];
  }
};

}  // namespace factory::test
