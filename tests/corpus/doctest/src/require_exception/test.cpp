#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <map>
#include <stdexcept>
#include <string>

static std::map<std::string, int> parse(const std::string& s) {
    if (s.empty()) throw std::invalid_argument("empty config");
    return {{"port", 80}};
}

TEST_CASE("parse reads the port") {
    auto cfg = parse("port=8080");
    REQUIRE(cfg.size() == 1);
    REQUIRE(cfg.at("port") == 8080);
}

TEST_CASE("parse rejects nothing") {
    auto cfg = parse("");
    CHECK(cfg.empty());
}
