import { Receipt } from './receipt';

/** The registration slip a village clinic prints; the fixture test pins its exact bytes. */
export function sampleReceipt(): Receipt {
  return new Receipt()
    .align('center')
    .bold(true)
    .size(2, 2)
    .line('竹核乡卫生院')
    .size(1, 1)
    .bold(false)
    .line('挂号凭条')
    .align('left')
    .line('患者：张秀英  女  68岁')
    .line('科室：全科  医生：阿苏')
    .line('血压：132/84 mmHg')
    .line('费用：￥5.00')
    .align('center')
    .qr('XY-REG-20261121-0042', { moduleSize: 6, errorCorrection: 'M' })
    .line('请扫码查看检查结果')
    .cut();
}
