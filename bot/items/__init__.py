"""Items: the ways a question can be asked (recall, which-one, authored kinds, summary choice).

Pure code like :mod:`bot.bank` and :mod:`bot.study`: plain values in, plain values out, no
Discord and no database. :class:`~bot.items.maker.ItemMaker` picks the item a question is
asked as, deterministically per (question, seed), so every member sees the same item for a post.
"""
