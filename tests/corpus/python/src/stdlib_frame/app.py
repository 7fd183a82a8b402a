from config import read_settings


def main():
    print(read_settings("{'name': 'x'}"))


main()
