#pragma once
#include "vec.hpp"

struct Shape {
    Vec origin;
    double area() const { return origin.len() * 2; }
};
