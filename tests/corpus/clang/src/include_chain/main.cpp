#include "include/shape.hpp"

int main() {
    Shape s;
    return static_cast<int>(s.area());
}
