int checksum(const char *data);

int main(void) {
    return checksum("abc");
}
