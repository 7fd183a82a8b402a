#include <string>
#include <vector>

std::vector<int> parse(const std::string& text);

int main() { return static_cast<int>(parse("123").size()); }
