#include <string>
#include <vector>

std::vector<int> parse(const std::string& text) {
    std::vector<int> out;
    for (char c : text)
        out.push_back(c - '0');
    return out.size();
}
