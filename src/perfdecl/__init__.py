"""perfdecl: compile 财政支出项目绩效目标申报表 from YAML into the official Word document."""

__version__ = "0.1.0"
