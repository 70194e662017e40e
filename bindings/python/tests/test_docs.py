"""The Python example in docs/python.md runs as written."""
import contextlib
import io
import os
import re
import unittest

import support

DOC = os.path.join(support.ROOT, "docs", "python.md")


class DocsExampleTest(unittest.TestCase):

    def test_ten_line_example_creates_and_reads_a_data_source(self):
        with open(DOC, encoding="utf-8") as f:
            text = f.read()
        blocks = re.findall(r"```python\n(.*?)```", text, re.S)
        example = blocks[0]
        self.assertLessEqual(
            len([line for line in example.splitlines() if line.strip()]), 12)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(example, DOC, "exec"), {})  # pylint: disable=exec-used
        self.assertIn("'id'", printed.getvalue())
        self.assertIn("integer", printed.getvalue())


if __name__ == "__main__":
    unittest.main()
