"""Private recording compensation distribution (私的録音補償金分配), as pure rules.

Articles cited as "Art. N" are those of the Rules (私的録音補償金分配規程), "BL N" of the
main By-laws (私的録音補償金分配細則), "NM N" of the non-member By-laws
(非委託者に対する私的録音補償金分配細則) and "XB N" of the By-laws for members who excluded a
right or use from their trust (管理委託範囲から一部支分権等を除外した委託者に対する…細則).
"""
