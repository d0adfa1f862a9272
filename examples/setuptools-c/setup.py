from setuptools import Extension, setup

setup(
    packages=[],
    ext_modules=[Extension("hello_c", sources=["src/hello_c.c"])],
)
