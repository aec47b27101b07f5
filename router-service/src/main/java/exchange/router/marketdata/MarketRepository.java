package exchange.router.marketdata;

import java.util.List;

import org.springframework.data.repository.ListCrudRepository;

interface MarketRepository extends ListCrudRepository<MarketRow, String> {

    List<MarketRow> findAllByOrderBySymbol();
}
