int twice(int x) {
    return x * 2;
}

int thrice(int x) {
    return x * undefined_factor;
}
