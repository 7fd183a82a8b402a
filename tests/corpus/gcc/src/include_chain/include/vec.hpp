#pragma once
#include <string>

struct Vec {
    double x = 0, y = 0;
    double len() const { std::string s = x + y; return s.size(); }
};
