/* dw-demo-data.c: the people, texts and rhythms of the demo desk. */
#define G_LOG_DOMAIN "dw-demo"

#include <math.h>

#include "dw-demo.h"
#include "dw-demo-private.h"

const DwDemoTeamInfo dw_demo_teams[DW_DEMO_N_TEAMS] = {
  { "售前咨询", "Pre-sales questions: sizes, stock, prices, coupons, invoices" },
  { "售后退换", "Returns, refunds, exchanges and quality problems" },
  { "物流", "Shipping, delivery and parcel tracking" },
  { "投诉", "Complaints and escalations" },
};

/* Order matters for nothing but the share; keys are the core classifier's business types. */
const DwDemoTypeInfo dw_demo_types[DW_DEMO_N_TYPES] = {
  [DW_DEMO_TYPE_PRESALES] = { "presales", "售前咨询", 0, 0.28 },
  [DW_DEMO_TYPE_RETURNS] = { "returns", "退货退款", 1, 0.22 },
  [DW_DEMO_TYPE_QUALITY] = { "quality", "质量问题", 1, 0.10 },
  [DW_DEMO_TYPE_LOGISTICS] = { "logistics", "物流查询", 2, 0.30 },
  [DW_DEMO_TYPE_COMPLAINTS] = { "complaints", "投诉", 3, 0.10 },
};

const DwDemoPerson dw_demo_agents[DW_DEMO_N_AGENTS] = {
  { "li.na", "李娜" }, { "wang.fang", "王芳" }, { "zhang.wei", "张伟" }, { "liu.yang", "刘洋" },
  { "chen.jie", "陈杰" }, { "yang.jing", "杨静" }, { "zhao.lei", "赵磊" },
  { "huang.min", "黄敏" }, { "zhou.ting", "周婷" }, { "wu.gang", "吴刚" }, { "xu.li", "徐丽" },
  { "sun.hao", "孙浩" }, { "hu.jingyi", "胡静怡" }, { "zhu.xiaohong", "朱小红" },
  { "gao.feng", "高峰" }, { "lin.xiao", "林晓" }, { "he.xin", "何欣" }, { "guo.qiang", "郭强" },
  { "ma.lijuan", "马丽娟" }, { "luo.bin", "罗斌" }, { "liang.xue", "梁雪" },
  { "song.jia", "宋佳" }, { "zheng.kai", "郑凯" }, { "xie.yuxuan", "谢雨萱" },
  { "han.mei", "韩梅" }, { "tang.liang", "唐亮" }, { "feng.chen", "冯晨" }, { "yu.yang", "于洋" },
  { "dong.xinyi", "董欣怡" }, { "xiao.ran", "萧然" }, { "cheng.lin", "程琳" }, { "cao.yu", "曹宇" },
  { "yuan.yuan", "袁媛" }, { "deng.chao", "邓超" }, { "xu.nuo", "许诺" }, { "fu.lei", "傅雷" },
  { "shen.yue", "沈悦" }, { "zeng.xue", "曾雪" }, { "peng.fei", "彭飞" }, { "lv.ting", "吕婷" },
};

static const DwDemoTemplate presales_templates[] = {
  { "这款有L码吗", "你好，这款卫衣有L码吗？我身高175，体重140斤，穿哪个尺码合适？" },
  { "请问什么时候有货", "看中的那款雾霾蓝连衣裙显示缺货，请问什么时候有货？想赶在周末前收到。" },
  { "能开增值税发票吗", "公司采购二十台加湿器，下单后能开增值税专用发票吗？抬头和税号怎么填？" },
  { "满减优惠能叠加吗", "店铺的满300减40和平台的跨店满减可以一起用吗？结算时只显示一个优惠。" },
  { "买两件价格能便宜点吗", "同款买两件，价格能再优惠一点吗？" },
  { "空气炸锅是几升的", "请问这款空气炸锅是几升的，三口之家够用吗？能烤整只鸡吗？" },
  { "这个手机壳适配iPhone 15 Pro吗", "这个磁吸手机壳适合iPhone 15 Pro吗？会不会挡镜头？" },
  { "坚果礼盒保质期多久", "坚果礼盒的保质期是多久？送人的，想确认一下生产日期。" },
  { "偏远地区包邮吗", "买多少钱可以包邮？新疆乌鲁木齐也包邮吗？" },
  { "面霜有小样赠品吗", "买这款面霜有小样赠品吗？直播间说有，详情页没写。" },
  { "这款奶粉适合几个月宝宝", "宝宝8个月了，这款奶粉是几段的，可以直接换吗？" },
};

static const DwDemoTemplate returns_templates[] = {
  { "申请退款七天无理由", "订单{order}，衣服上身效果不太合适，申请七天无理由退款，吊牌还在没剪。" },
  { "退货运费谁承担", "我想退货，退货的运费是我出还是你们出？下单时买了运费险。订单{order}" },
  { "鞋子小了想换货换大一码", "鞋子小了，想换货换大一码，订单{order}，怎么操作？" },
  { "退款什么时候到账", "退货已经寄回去五天了，退款还没到账，订单{order}，麻烦查一下。" },
  { "少发了一件，申请退款", "订单{order}买了两件只收到一件，申请退款少发的那件。" },
  { "退货地址是哪里", "退货申请通过了，请问退货地址是哪里？寄到哪个仓？订单{order}" },
  { "拒收后怎么退钱", "包裹我已经拒收了，退钱流程是怎样的？多久能退回？" },
  { "买完就降价能退差价吗", "买完第二天就降价了五十块，能退差价吗？订单{order}" },
  { "换货的新件什么时候发", "换货的旧件你们已经签收两天了，新的什么时候发出？订单{order}" },
};

static const DwDemoTemplate quality_templates[] = {
  { "收到的杯子破损了要求换货", "订单{order}，收到的玻璃杯碎了一个，外包装也压坏了，要求换货。" },
  { "衬衫有瑕疵", "新买的衬衫袖口有线头还有一块污渍，这是瑕疵品吧？订单{order}" },
  { "吹风机用了两天就坏了", "吹风机用了两天就坏了，开关按了没反应，订单{order}" },
  { "怀疑收到假货", "收到的口红和专柜的颜色、气味都不一样，怀疑是假货，订单{order}" },
  { "电饭煲内胆掉涂层，质量有问题", "电饭煲煮饭有焦味，内胆涂层掉了，质量有问题吧？才用了一周。" },
  { "平板屏幕有坏点", "平板电脑屏幕左上角有两个坏点，订单{order}，要求换新。" },
  { "牛奶胀包了", "收到的牛奶有两盒胀包了，离保质期只剩三天，订单{order}" },
  { "行李箱轮子摔破损", "行李箱第一次用轮子就破损了，订单{order}，能保修吗？" },
};

static const DwDemoTemplate logistics_templates[] = {
  { "快递三天没更新", "订单{order}，物流信息三天没更新了，一直显示在转运中心，麻烦帮查一下。" },
  { "什么时候发货", "我前天下的单{order}，到现在还没发货，不是说48小时内发货吗？" },
  { "显示已签收但没收到", "物流显示已签收，但我根本没收到包裹，家里也没人代收。订单{order}" },
  { "能改收货地址吗", "订单{order}刚下的单，地址填错了，能帮我改成公司地址吗？" },
  { "快递员不送货上门", "快递直接放驿站了，没打电话也没送上门，订单{order}，能让快递员送上门吗？" },
  { "能改发顺丰快递吗", "急用，能不能改发顺丰快递？运费我可以补差价。" },
  { "包裹被退回了", "物流显示包裹被退回了，我没有拒收啊，订单{order}" },
  { "派送中一整天还没到", "订单{order}，显示派送中一整天了还没到，能帮忙催一下快递吗？" },
  { "预售的什么时候发货", "预售的羽绒服说好15号发货，今天都18号了，订单{order}" },
};

static const DwDemoTemplate complaints_templates[] = {
  { "客服态度差要投诉", "昨天咨询的客服态度很差，问了三遍都爱答不理，我要投诉！" },
  { "再不处理就打12315", "退款拖了半个月，订单{order}，再不处理我就打12315了。" },
  { "虚假宣传，要投诉", "页面写的纯棉，收到是涤纶的，这是虚假宣传，我要投诉。订单{order}" },
  { "快递员骂人，投诉", "给你们送货的快递员态度恶劣还骂人，我要投诉他。" },
  { "发错货还不认，给差评", "发错货了还说是我选错的，订单{order}，不给解决就给差评。" },
  { "联系三次没人管，投诉", "这个问题我已经联系了三次，每次都说会处理然后就没人管了，投诉！" },
};

static const char * const agent_replies[DW_DEMO_N_TYPES][5] = {
  [DW_DEMO_TYPE_PRESALES] = {
    "亲，您好！按您的身高体重建议选L码，版型偏宽松，您可以放心选购哦～",
    "亲，这款预计下周三补货，您可以先点“到货提醒”，到货第一时间通知您。",
    "可以开具发票的亲，下单时在备注里填写抬头和税号即可，发货后3个工作日内开出。",
    "亲，两个优惠可以叠加使用，结算页点“优惠明细”就能看到哦。",
    "您好，已为您查询，这款是5.5升大容量，三口之家完全够用，能烤一整只鸡～",
  },
  [DW_DEMO_TYPE_RETURNS] = {
    "亲，您的退款申请已通过，退货地址已发到订单详情页，寄出后请填写快递单号哦。",
    "亲，运费险会在退货签收后自动理赔到您的账户，不用您承担运费。",
    "退款会在仓库收到退货后1-3个工作日原路退回，请您留意账户。",
    "已为您登记换货，新件会在收到旧件后24小时内发出，单号会短信通知您。",
    "亲，已为您提交退差价申请，差价会在24小时内退回到您的支付账户。",
  },
  [DW_DEMO_TYPE_QUALITY] = {
    "非常抱歉给您带来不便！麻烦您拍一下破损处的照片发给我们，核实后马上为您换新。",
    "实在抱歉，已为您安排补发新品，旧的不用寄回了，请您留意物流。",
    "亲，我们所有商品都是品牌授权正品，已为您申请质检，结果出来第一时间告诉您。",
    "抱歉让您失望了，已登记为质量问题，退货运费由我们承担。",
    "亲，已为您联系厂家售后，可以免费维修或者直接换新，您看选哪种？",
  },
  [DW_DEMO_TYPE_LOGISTICS] = {
    "亲，已为您联系快递公司核实，包裹在中转站滞留了，预计明天送达，请您留意电话。",
    "已为您催促仓库，今天18点前一定发出，发货后单号会同步到订单里。",
    "亲，已为您提交快递丢件核查，48小时内没有结果会直接为您补发。",
    "收货地址已为您修改成功，请核对一下订单详情里的新地址哦。",
    "已为您联系快递站点，今天会安排送货上门，给您添麻烦了。",
  },
  [DW_DEMO_TYPE_COMPLAINTS] = {
    "非常抱歉给您带来不好的体验，已记录您的反馈并转交主管，今天内给您答复。",
    "您好，我是客服主管，对之前的服务非常抱歉，您的问题由我全程跟进。",
    "实在抱歉让您多次联系，已为您加急处理，并补偿20元无门槛优惠券。",
    "已核实是我们发错了货，马上为您补发正确的商品，错发的不用寄回了。",
    "您的投诉已受理，快递公司会在24小时内联系您道歉并处理。",
  },
};

static const char * const ask_replies[] = {
  "麻烦您提供一下订单号和商品照片，我们这边为您进一步核实。",
  "亲，请问您方便提供一下快递单号吗？",
  "麻烦您确认一下收货地址和联系电话，我们好安排处理。",
  "请问您希望换新还是退款呢？确认后马上为您办理。",
};

static const char * const solve_replies[] = {
  "问题已为您处理好了，如还有其他问题随时联系我们，祝您生活愉快～",
  "已经为您办理完成，感谢您的耐心等待！",
  "亲，处理结果已同步到订单里，有问题随时找我们哦。",
  "给您添麻烦了，已经处理完毕，欢迎再次光临～",
};

static const char * const customer_replies[] = {
  "好的，照片已经发了，你们看一下。",
  "收到了，谢谢。",
  "还是没有解决啊，能快一点吗？",
  "那我再等等吧。",
  "好的，麻烦尽快处理。",
  "换新吧，谢谢。",
  "地址没问题，电话就是这个。",
  "快递单号发你们了。",
};

static const char * const notes[] = {
  "已联系仓库核实库存，等回复。",
  "VIP客户，优先处理。",
  "已申请补偿5元优惠券。",
  "同类问题本周第三次，已反馈给供应商。",
  "快递公司工单已提交，单号在备注里。",
  "客户情绪比较激动，注意安抚。",
};

static const char * const csat_comments[6][3] = {
  [1] = { "问题根本没解决", "等了好久，太慢了", "不会再买了" },
  [2] = { "处理太慢", "回复很敷衍", "来回问了好几遍" },
  [3] = { "一般吧，等得有点久", "还行", "解决了，但过程比较麻烦" },
  [4] = { "还不错", "挺快的", "客服挺耐心" },
  [5] = { "客服很耐心，点赞", "解决得很快，谢谢", "服务超好，下次还来" },
};

static const char * const surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
  "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
};

static const char * const given_names[] = {
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
  "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "晓燕", "子涵", "一鸣", "雨桐", "浩然",
  "思远", "欣怡", "梓萱", "宇轩",
};

static const char * const nicknames[] = {
  "小鱼儿", "快乐的小熊", "追风少年", "momo酱", "爱吃橘子", "tb_8842103", "jd_星辰",
  "拼多多用户8831", "夏天的风", "Lucy", "阿杰", "糖糖", "大橙子", "猫咪不吃鱼",
};

/* Arrivals by local hour (relative weight): the morning peak at 10–11, a calmer afternoon the
 * shifts can work down, and a smaller evening rise after dinner; the late shift (to 22:00) is
 * the last, so the hours after it stay quiet. */
static const double hour_weights[24] = {
  1.0, 0.6, 0.3, 0.2, 0.2, 0.4, 0.8, 2.0, 5.0, 8.0, 10.0, 9.5,
  6.5, 5.5, 5.0, 4.5, 4.5, 4.5, 4.5, 5.5, 6.0, 5.0, 2.5, 1.5,
};

/* Tickets per hour for weight 1 (about 410 a weekday). */
#define RATE_SCALE 4.2
#define WEEKEND_FACTOR 1.2

static GRand *demo_rand;

GRand *
dw_demo_rand (void)
{
  if (demo_rand == NULL)
    {
      const char *seed = g_getenv ("DESKWATCH_DEMO_SEED");
      guint64 value;

      if (seed != NULL && g_ascii_string_to_unsigned (seed, 10, 0, G_MAXUINT32, &value, NULL))
        demo_rand = g_rand_new_with_seed ((guint32) value);
      else
        demo_rand = g_rand_new ();
    }
  return demo_rand;
}

void
dw_demo_set_seed (guint32 seed)
{
  if (demo_rand == NULL)
    demo_rand = g_rand_new_with_seed (seed);
  else
    g_rand_set_seed (demo_rand, seed);
}

double
dw_demo_uniform (void)
{
  return g_rand_double (dw_demo_rand ());
}

int
dw_demo_int_range (int begin,
                   int end)
{
  return g_rand_int_range (dw_demo_rand (), begin, end);
}

double
dw_demo_exponential (double mean)
{
  double u = dw_demo_uniform ();

  return -mean * log (1.0 - u);
}

double
dw_demo_lognormal (double median,
                   double sigma)
{
  /* Box–Muller for one standard normal draw. */
  double u1 = 1.0 - dw_demo_uniform ();
  double u2 = dw_demo_uniform ();
  double z = sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);

  return median * exp (sigma * z);
}

guint
dw_demo_pick_weighted (const double *weights,
                       guint         n)
{
  double total = 0, x;

  for (guint i = 0; i < n; i++)
    total += weights[i];

  x = dw_demo_uniform () * total;
  for (guint i = 0; i < n; i++)
    {
      if (x < weights[i])
        return i;
      x -= weights[i];
    }

  return n - 1;
}

int
dw_demo_local_minute (gint64 t)
{
  gint64 local = t + DW_DEMO_UTC_OFFSET;

  return (int) (((local % DW_DEMO_DAY) + DW_DEMO_DAY) % DW_DEMO_DAY / 60);
}

gint64
dw_demo_local_midnight (gint64 t)
{
  gint64 local = t + DW_DEMO_UTC_OFFSET;
  gint64 day_start = local - (((local % DW_DEMO_DAY) + DW_DEMO_DAY) % DW_DEMO_DAY);

  return day_start - DW_DEMO_UTC_OFFSET;
}

double
dw_demo_arrival_rate (gint64 t)
{
  int minute = dw_demo_local_minute (t);
  int hour = minute / 60;
  double frac = (minute % 60) / 60.0;
  /* 1970-01-01 was a Thursday; 0 = Monday. */
  gint64 local_days = (dw_demo_local_midnight (t) + DW_DEMO_UTC_OFFSET) / DW_DEMO_DAY;
  int weekday = (int) ((local_days + 3) % 7);
  double w;

  /* Interpolate between hours so the curve has no steps. */
  w = hour_weights[hour] * (1.0 - frac) + hour_weights[(hour + 1) % 24] * frac;
  return w * RATE_SCALE * (weekday >= 5 ? WEEKEND_FACTOR : 1.0);
}

double
dw_demo_max_arrival_rate (void)
{
  return 10.0 * RATE_SCALE * WEEKEND_FACTOR;
}

void
dw_demo_shift_hours (DwDemoShift  shift,
                     int         *start_min,
                     int         *end_min)
{
  static const int hours[DW_DEMO_N_SHIFTS][2] = {
    [DW_DEMO_SHIFT_EARLY] = { 8 * 60, 16 * 60 },
    [DW_DEMO_SHIFT_MIDDLE] = { 12 * 60, 20 * 60 },
    [DW_DEMO_SHIFT_LATE] = { 14 * 60, 22 * 60 },
  };

  *start_min = hours[shift][0];
  *end_min = hours[shift][1];
}

DwDemoType
dw_demo_pick_type (void)
{
  double weights[DW_DEMO_N_TYPES];

  for (guint i = 0; i < DW_DEMO_N_TYPES; i++)
    weights[i] = dw_demo_types[i].share;

  return (DwDemoType) dw_demo_pick_weighted (weights, DW_DEMO_N_TYPES);
}

#define PICK(array) (&(array)[dw_demo_int_range (0, G_N_ELEMENTS (array))])

const DwDemoTemplate *
dw_demo_pick_template (DwDemoType type)
{
  switch (type)
    {
    case DW_DEMO_TYPE_PRESALES:
      return PICK (presales_templates);
    case DW_DEMO_TYPE_RETURNS:
      return PICK (returns_templates);
    case DW_DEMO_TYPE_QUALITY:
      return PICK (quality_templates);
    case DW_DEMO_TYPE_LOGISTICS:
      return PICK (logistics_templates);
    case DW_DEMO_TYPE_COMPLAINTS:
    case DW_DEMO_N_TYPES:
    default:
      return PICK (complaints_templates);
    }
}

char *
dw_demo_fill (const char *text,
              const char *order_number)
{
  g_autoptr(GString) s = g_string_new (text);

  g_string_replace (s, "{order}", order_number != NULL ? order_number : "", 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Order numbers in the styles of the big marketplaces: Taobao/Tmall (long digits), Pinduoduo
 * (date-prefixed) and JD. */
char *
dw_demo_order_number (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t + DW_DEMO_UTC_OFFSET);
  double x = dw_demo_uniform ();

  if (x < 0.45)
    return g_strdup_printf ("TB%u%09u", (guint) dw_demo_int_range (300000000, 400000000),
                            (guint) dw_demo_int_range (0, 1000000000));
  if (x < 0.85)
    return g_strdup_printf ("PDD%04d%02d%02d-%06u", g_date_time_get_year (dt),
                            g_date_time_get_month (dt), g_date_time_get_day_of_month (dt),
                            (guint) dw_demo_int_range (0, 1000000));
  return g_strdup_printf ("JD%u%03u", (guint) dw_demo_int_range (280000000, 300000000),
                          (guint) dw_demo_int_range (0, 1000));
}

const char *
dw_demo_pick_agent_reply (DwDemoType type)
{
  return *PICK (agent_replies[type]);
}

const char *
dw_demo_pick_ask_reply (void)
{
  return *PICK (ask_replies);
}

const char *
dw_demo_pick_solve_reply (void)
{
  return *PICK (solve_replies);
}

const char *
dw_demo_pick_customer_reply (void)
{
  return *PICK (customer_replies);
}

const char *
dw_demo_pick_note (void)
{
  return *PICK (notes);
}

int
dw_demo_pick_csat (DwDemoType type)
{
  static const double usual[5] = { 0.04, 0.05, 0.11, 0.25, 0.55 };
  static const double complaints[5] = { 0.15, 0.15, 0.25, 0.25, 0.20 };

  return 1 + (int) dw_demo_pick_weighted (type == DW_DEMO_TYPE_COMPLAINTS ? complaints : usual, 5);
}

const char *
dw_demo_pick_csat_comment (int csat)
{
  if (csat < 1 || csat > 5 || dw_demo_uniform () < 0.4)
    return NULL;
  return *PICK (csat_comments[csat]);
}

DwChannel
dw_demo_pick_channel (void)
{
  static const double weights[] = {
    [DW_CHANNEL_WEB] = 0.15, [DW_CHANNEL_APP] = 0.32, [DW_CHANNEL_WECHAT] = 0.30,
    [DW_CHANNEL_WEIBO] = 0.05, [DW_CHANNEL_PHONE] = 0.10, [DW_CHANNEL_EMAIL] = 0.08,
  };

  return (DwChannel) dw_demo_pick_weighted (weights, G_N_ELEMENTS (weights));
}

DwPriority
dw_demo_pick_priority (DwDemoType type,
                       gboolean   vip)
{
  double x = dw_demo_uniform ();

  if (x < 0.03)
    return DW_PRIORITY_URGENT;
  if (type == DW_DEMO_TYPE_COMPLAINTS || vip)
    return x < 0.5 ? DW_PRIORITY_HIGH : DW_PRIORITY_NORMAL;
  if (type == DW_DEMO_TYPE_PRESALES && x > 0.8)
    return DW_PRIORITY_LOW;
  return x < 0.1 ? DW_PRIORITY_HIGH : DW_PRIORITY_NORMAL;
}

char *
dw_demo_customer_name (void)
{
  double x = dw_demo_uniform ();

  if (x < 0.5)
    return g_strconcat (*PICK (surnames), *PICK (given_names), NULL);
  if (x < 0.8)
    return g_strconcat (*PICK (surnames), dw_demo_uniform () < 0.5 ? "先生" : "女士", NULL);
  return g_strdup (*PICK (nicknames));
}

char *
dw_demo_phone_number (void)
{
  static const char * const prefixes[] = {
    "135", "136", "138", "139", "150", "151", "158", "159", "186", "187", "188", "177", "199",
  };

  return g_strdup_printf ("%s%08d", *PICK (prefixes), dw_demo_int_range (0, 100000000));
}
