#include <string>

struct Logger {
    void log(const std::string& msg);
    void log(int level, const std::string& msg);
};

int main() {
    Logger l;
    l.log(1, 2, 3);
    return 0;
}
